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

let firstView: Set<string> | undefined
/**
 * Build only: records the modules the first view imports statically (index.html's static closure),
 * so that everything else can go into one chunk (see `codeSplitting` below).
 */
function firstViewClosure(): Plugin {
  return {
    name: 'first-view-closure',
    apply: 'build',
    buildEnd() {
      const seen = new Set<string>()
      const stack = [...this.getModuleIds()].filter((id) => this.getModuleInfo(id)?.isEntry)
      while (stack.length) {
        const id = stack.pop() as string
        if (seen.has(id)) continue
        seen.add(id)
        stack.push(...(this.getModuleInfo(id)?.importedIds ?? []))
      }
      firstView = seen
    },
  }
}

// `base: './'` makes every asset URL relative, so `dist/` works from any static host and any subpath.
export default defineConfig({
  base: './',
  plugins: [svelte(), cspMetaBuildOnly(), firstViewClosure()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    target: 'es2022',
    sourcemap: false,
    // Every browser this targets preloads modules natively; the polyfill would only add to the first view.
    modulePreload: { polyfill: false },
    // Everything after the first view (the protocol engine and every panel, each still behind its own
    // dynamic import) is one chunk: split per panel, a page back from the authorization server fetched
    // about twenty chunks from cache one by one, and on a 2-core machine that alone cost ~20 ms of the
    // callback (measured A/B, 24 interleaved flows each: median 20 ms less, faster in 21 of 24).
    // The first view's own modules stay where they were (it loads none of this chunk).
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'engine',
              test: (id: string) => firstView !== undefined && !firstView.has(id) && !id.startsWith('\0'),
              // The first view's modules it uses are loaded already: do not pull them in.
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  server: { port: Number(process.env.PLAYGROUND_PORT ?? 5173), strictPort: true },
  preview: { port: Number(process.env.PLAYGROUND_PORT ?? 4173), strictPort: true },
  test: {
    include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
  },
})
