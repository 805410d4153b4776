/** ansible-playbook's exit codes, which CI scripts, Vagrant and Molecule understand. */
export const ExitCode = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  hostUnreachable: 4,
  badOption: 5,
  interrupted: 99,
  unexpected: 250,
} as const;
