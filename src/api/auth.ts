import type {Auth} from './http.js'

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

export const basicAuth = (username: string, password: string): Auth => ({
  headers: async () => ({Authorization: basicHeader(username, password)}),
})

export const bearerAuth = (token: string): Auth => ({
  headers: async () => ({Authorization: `Bearer ${token}`}),
})
