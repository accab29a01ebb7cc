// Arguments and flags several Corda commands share, described once.
import {Args, Flags} from '@oclif/core'

export const vnodeArg = Args.string({required: true, description: 'virtual node: short hash, full X.500 name, or a CN/O that matches one'})
export const loginArg = Args.string({required: true, description: 'login name of the user'})
export const roleArg = Args.string({required: true, description: 'role: its id or its name'})
export const passwordStdinFlag = Flags.boolean({description: 'read the new password from the first line of stdin (or set WORKERCTL_NEW_PASSWORD)'})
