/**
 * The classifier result the user chose to see although its image is out of scope. Shared state,
 * not the panel's own: a report written from that result must say the user overrode the scope.
 */
class ScopeOverride {
  // raw: a deep $state would wrap the result in a proxy, and identity with the result would never match.
  shown = $state.raw<object | undefined>(undefined);
}

export const scopeOverride = new ScopeOverride();
