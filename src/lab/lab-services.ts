/**
 * What the lab serves its hosts from the controller host's lab address (inside the lab network
 * only): an apt repository and a web root, both from one HTTP server in the supervisor.
 */
export const LAB_HTTP_PORT = 8880;
export const APT_PATH = '/debian/';
export const FILES_PATH = '/files/';

export function labServiceUrls(controllerAddress: string): { apt: string; files: string } {
  const base = `http://${controllerAddress}:${LAB_HTTP_PORT}`;
  return { apt: `${base}${APT_PATH}`, files: `${base}${FILES_PATH}` };
}

/** The one apt source of a booted host: the lab's flat repository (unsigned, so trusted=yes). */
export function aptSourcesList(controllerAddress: string | undefined): string {
  const head = '# Written by provision lab: the lab repository is the only package source.\n';
  if (controllerAddress === undefined) return `${head}# (this lab has no controller host, so no repository)\n`;
  return `${head}deb [trusted=yes] ${labServiceUrls(controllerAddress).apt} ./\n`;
}
