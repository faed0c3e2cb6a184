/**
 * Every file path an extension manifest (package.json) names: `main`, `browser`, `icon`, and the
 * paths inside `contributes` that VS Code resolves against the extension's folder (language
 * configurations and icons, grammars, snippets, debugger programs, walkthrough media, view and
 * view-container icons, command icons, themes, JSON schemas). Codicon references (`$(name)`) and
 * URLs are not files and are skipped.
 *
 * Paths come back normalised to the form they take inside a .vsix: `extension/` + the path
 * without a leading `./`. Each carries where in the manifest it was found, for messages.
 */

export interface ManifestPath {
  readonly where: string;
  readonly path: string; // e.g. "extension/dist/extension.js"
}

type Json = unknown;

function obj(v: Json): Record<string, Json> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, Json>) : undefined;
}

function arr(v: Json): Json[] {
  return Array.isArray(v) ? v : [];
}

export function vsixPath(p: string): string {
  return 'extension/' + p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\//, '');
}

function isFileRef(s: string): boolean {
  return s !== '' && !s.startsWith('$(') && !/^[a-z][a-z0-9+.-]*:/i.test(s);
}

export function manifestPaths(manifest: Json): ManifestPath[] {
  const out: ManifestPath[] = [];
  const add = (where: string, v: Json): void => {
    if (typeof v === 'string') {
      if (isFileRef(v)) out.push({ where, path: vsixPath(v) });
    } else if (obj(v) !== undefined) {
      // themed icon / image: { light, dark, hc, hcLight }
      for (const [k, x] of Object.entries(obj(v)!)) if (typeof x === 'string') add(`${where}.${k}`, x);
    }
  };
  const m = obj(manifest) ?? {};
  add('main', m.main);
  add('browser', m.browser);
  add('icon', m.icon);
  const c = obj(m.contributes) ?? {};

  arr(c.languages).forEach((l, i) => {
    add(`contributes.languages[${i}].configuration`, obj(l)?.configuration);
    add(`contributes.languages[${i}].icon`, obj(l)?.icon);
  });
  arr(c.grammars).forEach((g, i) => add(`contributes.grammars[${i}].path`, obj(g)?.path));
  arr(c.snippets).forEach((s, i) => add(`contributes.snippets[${i}].path`, obj(s)?.path));
  arr(c.debuggers).forEach((d, i) => {
    const dd = obj(d) ?? {};
    add(`contributes.debuggers[${i}].program`, dd.program);
    for (const os of ['windows', 'linux', 'osx']) add(`contributes.debuggers[${i}].${os}.program`, obj(dd[os])?.program);
  });
  arr(c.walkthroughs).forEach((w, i) =>
    arr(obj(w)?.steps).forEach((s, j) => {
      const media = obj(obj(s)?.media) ?? {};
      for (const k of ['image', 'markdown', 'svg']) add(`contributes.walkthroughs[${i}].steps[${j}].media.${k}`, media[k]);
    }),
  );
  for (const [loc, list] of Object.entries(obj(c.viewsContainers) ?? {}))
    arr(list).forEach((v, i) => add(`contributes.viewsContainers.${loc}[${i}].icon`, obj(v)?.icon));
  for (const [loc, list] of Object.entries(obj(c.views) ?? {}))
    arr(list).forEach((v, i) => add(`contributes.views.${loc}[${i}].icon`, obj(v)?.icon));
  arr(c.commands).forEach((cmd, i) => add(`contributes.commands[${i}].icon`, obj(cmd)?.icon));
  for (const k of ['themes', 'iconThemes', 'productIconThemes'])
    arr(c[k]).forEach((t, i) => add(`contributes.${k}[${i}].path`, obj(t)?.path));
  arr(c.jsonValidation).forEach((j, i) => add(`contributes.jsonValidation[${i}].url`, obj(j)?.url));
  return out;
}
