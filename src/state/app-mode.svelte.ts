/** Which view the page shows: reading images, teaching a model from labelled ones, or building teaching decks. */
export type AppMode = 'read' | 'teach' | 'decks';

const fromHash = (hash: string): AppMode => (hash === '#teach' ? 'teach' : hash === '#decks' ? 'decks' : 'read');

export class AppModeState {
  mode = $state<AppMode>(fromHash(location.hash));

  set(mode: AppMode): void {
    this.mode = mode;
    // In the address, so a reload (or a bookmark) comes back to the same view.
    history.replaceState(null, '', mode === 'read' ? location.pathname + location.search : `#${mode}`);
  }
}

export const appMode = new AppModeState();
