import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

// `base: './'` makes every asset URL relative, so `dist/` works from any static host and any subpath.
export default defineConfig({
  base: './',
  plugins: [svelte()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    target: 'es2022',
    sourcemap: false,
  },
  server: { port: Number(process.env.PLAYGROUND_PORT ?? 5173), strictPort: true },
  preview: { port: Number(process.env.PLAYGROUND_PORT ?? 4173), strictPort: true },
  test: {
    include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
  },
})
