#!/usr/bin/env node
/**
 * Regenerates the "Finding catalogue" table of README.md from src/lib/model/catalogue.ts.
 *
 * Node 20 cannot import the TypeScript catalogue directly, so the rendering lives in the unit test
 * (src/lib/model/catalogue.test.ts), which rewrites the README section when UPDATE_CATALOGUE=1 and
 * otherwise fails when the README is out of date. This script only runs that test in update mode.
 *
 *   node tests/gen-catalogue.mjs            # rewrite README.md
 *   node tests/gen-catalogue.mjs --check    # only check (what CI does through `npm run test:unit`)
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const check = process.argv.includes('--check')
const env = { ...process.env }
if (check) delete env.UPDATE_CATALOGUE
else env.UPDATE_CATALOGUE = '1'

const result = spawnSync('npx', ['vitest', 'run', 'src/lib/model/catalogue.test.ts'], {
  cwd: root,
  env,
  stdio: 'inherit',
  shell: process.platform === 'win32',
})
process.exit(result.status ?? 1)
