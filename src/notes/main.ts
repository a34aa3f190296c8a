/** The presenter's notes window (notes.html): a page of its own, no model or image code. */
import { mount } from 'svelte';
import NotesView from '../ui/present/NotesView.svelte';
import '../ui/global.css';

const target = document.getElementById('app');
if (!target) throw new Error('notes.html has no #app element');
mount(NotesView, { target });
