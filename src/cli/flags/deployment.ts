// What `apply` and `diff` share: the file, and the flags that allow changes Corda and the Job Service make only by
// replacing something.
import {Flags} from '@oclif/core'

export const deploymentFlags = {
  file: Flags.string({char: 'f', required: true, description: 'the deployment file (YAML, one or several documents; - for stdin)'}),
  'allow-upgrade': Flags.boolean({description: 'upgrade virtual nodes whose CPI changed to a compatible one (maintenance, upgrade, active again)'}),
  'recreate-jobs': Flags.boolean({description: 'delete and create again jobs whose definition changed'}),
  'rotate-passwords': Flags.boolean({description: "set existing users' passwords again from their passwordFrom variables"}),
}
