#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build): `node --import tsx bin/dev.js <command>`.
import {execute} from '@oclif/core'
import {singularTopic} from '../src/cli/topics.ts'

const argv = singularTopic(process.argv.slice(2))
await execute({args: argv, development: true, dir: import.meta.url})
