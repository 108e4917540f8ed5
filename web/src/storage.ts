// The model text kept across visits (local storage) and shared by link (the URL's fragment:
// `#file=NAME&src=TEXT`, never sent to a server). A link wins over what was stored.

const KEY = 'ppl-playground:source';

export interface StoredSource {
  file: string;
  text: string;
}

function fromHash(): StoredSource | undefined {
  const h = new URLSearchParams(location.hash.slice(1));
  const text = h.get('src');
  return text === null ? undefined : { file: h.get('file') ?? 'model.ppl', text };
}

export function loadSource(): StoredSource | undefined {
  const linked = fromHash();
  if (linked) return linked;
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as StoredSource | null;
    return s && typeof s.text === 'string' && typeof s.file === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

let urlTimer: ReturnType<typeof setTimeout> | undefined;

/** Stores the text, and keeps the address bar's link current (debounced: history is not spammed). */
export function saveSource(file: string, text: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ file, text }));
  } catch {
    // Storage full or disabled: the link still carries the text.
  }
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => history.replaceState(null, '', shareLink(file, text)), 400);
}

export function shareLink(file: string, text: string): string {
  const h = new URLSearchParams({ file, src: text });
  return `${location.href.split("#")[0]}#${h.toString()}`;
}
