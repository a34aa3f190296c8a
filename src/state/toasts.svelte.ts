/** Short messages for the user, announced by one aria-live region. */
export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
  action?: { label: string; run: () => void };
}

export class Toasts {
  items = $state<Toast[]>([]);
  private next = 1;

  show(text: string, kind: Toast['kind'] = 'info', action?: Toast['action']): number {
    const id = this.next++;
    const toast: Toast = action ? { id, kind, text, action } : { id, kind, text };
    this.items = [...this.items, toast];
    return id;
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
