import { mount } from 'svelte';
import Lab from './Lab.svelte';
import '../ui/global.css';

const target = document.getElementById('app');
if (!target) throw new Error('lab.html has no #app element');
mount(Lab, { target });
