/** Whether ops record the graph. Like torch.is_grad_enabled / no_grad / enable_grad. */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

/** Runs fn without recording the autograd graph (torch.no_grad()). Returns fn's result. */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`noGrad: expects a function to run, got ${fn === null ? 'null' : typeof fn}`);
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn with recording on, even inside noGrad (torch.enable_grad()). */
export function enableGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`enableGrad: expects a function to run, got ${fn === null ? 'null' : typeof fn}`);
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
