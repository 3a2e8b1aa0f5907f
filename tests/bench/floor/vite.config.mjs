// Builds the bench floor pages (see floor.ts, empty.ts) with the app's Vite and Svelte settings.
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { fileURLToPath } from 'node:url'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [svelte()],
  build: {
    target: 'es2022',
    rollupOptions: { input: { index: here('./index.html'), empty: here('./empty.html') } },
  },
  logLevel: 'warn',
})
