#!/usr/bin/env node
// The installed entry point: runs the compiled commands from dist/ with the manifest built by `npm run build`.
import {execute} from '@oclif/core'
import {singularTopic} from '../dist/cli/topics.js'

const argv = singularTopic(process.argv.slice(2))
await execute({args: argv, dir: import.meta.url})
