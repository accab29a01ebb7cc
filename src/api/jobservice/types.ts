// Types named after the definitions of specs/jobservice-swagger.yaml.
export interface PingResponse {
  success: boolean
}
