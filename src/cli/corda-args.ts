// Arguments several Corda commands share, described once.
import {Args} from '@oclif/core'

export const vnodeArg = Args.string({required: true, description: 'virtual node: short hash, full X.500 name, or a CN/O that matches one'})
