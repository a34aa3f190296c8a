/** Which view the page shows: reading images, or teaching a model from labelled ones. */
export type AppMode = 'read' | 'teach';

export class AppModeState {
  mode = $state<AppMode>(location.hash === '#teach' ? 'teach' : 'read');

  set(mode: AppMode): void {
    this.mode = mode;
    // In the address, so a reload (or a bookmark) comes back to the same view.
    history.replaceState(null, '', mode === 'teach' ? '#teach' : location.pathname + location.search);
  }
}

export const appMode = new AppModeState();
