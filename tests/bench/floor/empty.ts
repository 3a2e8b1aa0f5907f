// The floor of "first view usable": an empty Svelte 5 page with one bound input, built with the
// same Vite and Svelte as the app. Marks body[data-ready] once mounted.
import { mount } from 'svelte'
import Empty from './Empty.svelte'

const target = document.getElementById('app')
if (target) mount(Empty, { target })
