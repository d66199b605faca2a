// The licences a generated project can carry. One answer (--license) sets its LICENSE file (the
// template layer license-<id>/), package.json's `license` and ArtifactHub's `license`.
export interface License {
  /** An SPDX identifier, as npm and ArtifactHub take it; UNLICENSED is npm's word for none. */
  id: string;
  summary: string;
  /** The README's closing line. */
  readme: string;
}

export const LICENSES: readonly License[] = [
  {
    id: 'Apache-2.0',
    summary: 'Apache License 2.0, as Keptn and its integrations',
    readme: 'Licensed under the Apache License 2.0: see [LICENSE](LICENSE).',
  },
  { id: 'MIT', summary: 'MIT License: short and permissive', readme: 'Licensed under the MIT License: see [LICENSE](LICENSE).' },
  {
    id: 'BSD-3-Clause',
    summary: 'BSD 3-Clause License: permissive, no endorsement by name',
    readme: 'Licensed under the BSD 3-Clause License: see [LICENSE](LICENSE).',
  },
  {
    id: 'MPL-2.0',
    summary: 'Mozilla Public License 2.0: changed files stay open',
    readme: 'Licensed under the Mozilla Public License 2.0: see [LICENSE](LICENSE).',
  },
  {
    id: 'UNLICENSED',
    summary: 'none: all rights reserved, no LICENSE file',
    readme: 'Not licensed for use by others: all rights reserved (package.json says UNLICENSED).',
  },
];

/** The template layer with the licence's text; none for UNLICENSED. */
export const licenseLayers = (id: string): string[] => (id === 'UNLICENSED' ? [] : [`license-${id}`]);
