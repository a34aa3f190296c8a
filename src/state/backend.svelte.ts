import type { BackendInfo, BackendPreference } from '../ml/api.ts';
import { initOptions, loadPreference, ml, savePreference } from './ml.ts';
import { toUserMessage } from './messages.ts';

/** Which backend the worker runs on, why, and the user's override (remembered). */
export class BackendState {
  info = $state.raw<BackendInfo | undefined>(undefined);
  preference = $state<BackendPreference>(loadPreference());
  error = $state<string | undefined>(undefined);
  starting = $state(false);

  async refresh(): Promise<void> {
    this.starting = true;
    try {
      this.info = await ml.backend();
      this.error = undefined;
    } catch (error) {
      this.error = toUserMessage(error);
    } finally {
      this.starting = false;
    }
  }

  /** Record the backend a run actually used: a fallback mid-run changes it. */
  noteRunOn(backend: BackendInfo['name']): void {
    if (this.info && this.info.name !== backend) void this.refresh();
  }

  async choose(preference: BackendPreference): Promise<void> {
    this.preference = preference;
    savePreference(preference);
    ml.reconfigure(initOptions(preference));
    await this.refresh();
  }
}

export const backend = new BackendState();
