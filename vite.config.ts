import { defineConfig } from 'vitest/config'
import type { Plugin } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

/** Dev only: drop the CSP meta (Vite's dev client injects <style> elements; the build has none). */
function cspMetaBuildOnly(): Plugin {
  return {
    name: 'csp-meta-build-only',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/i, ''),
  }
}

// `base: './'` makes every asset URL relative, so `dist/` works from any static host and any subpath.
export default defineConfig({
  base: './',
  plugins: [svelte(), cspMetaBuildOnly()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    target: 'es2022',
    sourcemap: false,
    // Every browser this targets preloads modules natively; the polyfill would only add to the first view.
    modulePreload: { polyfill: false },
  },
  server: { port: Number(process.env.PLAYGROUND_PORT ?? 5173), strictPort: true },
  preview: { port: Number(process.env.PLAYGROUND_PORT ?? 4173), strictPort: true },
  test: {
    include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
  },
})
