import { mount } from 'svelte';
import App from './App.svelte';
import { demo } from './state/demo.svelte.ts';
import { pwa } from './state/pwa.svelte.ts';
import { studies } from './state/studies.svelte.ts';
import { training } from './state/training.svelte.ts';
import { worklist } from './state/worklist.svelte.ts';
import './ui/global.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
pwa.registerWhenQuiet(() => studies.progress !== undefined || worklist.running, () => demo.fileName === undefined && studies.files.length === 0, () => training.unsaved);
