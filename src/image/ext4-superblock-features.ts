/** Feature-bit names as e2fsprogs (lib/e2p/feature.c) prints them, so messages match `dumpe2fs -h`. */
const COMPAT: Record<number, string> = {
  0x1: 'dir_prealloc',
  0x2: 'imagic_inodes',
  0x4: 'has_journal',
  0x8: 'ext_attr',
  0x10: 'resize_inode',
  0x20: 'dir_index',
  0x40: 'lazy_bg',
  0x200: 'sparse_super2',
  0x400: 'fast_commit',
  0x800: 'stable_inodes',
  0x1000: 'orphan_file',
};

const INCOMPAT: Record<number, string> = {
  0x1: 'compression',
  0x2: 'filetype',
  0x4: 'needs_recovery',
  0x8: 'journal_dev',
  0x10: 'meta_bg',
  0x40: 'extent',
  0x80: '64bit',
  0x100: 'mmp',
  0x200: 'flex_bg',
  0x400: 'ea_inode',
  0x1000: 'dirdata',
  0x2000: 'metadata_csum_seed',
  0x4000: 'large_dir',
  0x8000: 'inline_data',
  0x10000: 'encrypt',
  0x20000: 'casefold',
};

const RO_COMPAT: Record<number, string> = {
  0x1: 'sparse_super',
  0x2: 'large_file',
  0x8: 'huge_file',
  0x10: 'uninit_bg',
  0x20: 'dir_nlink',
  0x40: 'extra_isize',
  0x100: 'quota',
  0x200: 'bigalloc',
  0x400: 'metadata_csum',
  0x800: 'replica',
  0x1000: 'read-only',
  0x2000: 'project',
  0x4000: 'shared_blocks',
  0x8000: 'verity',
  0x10000: 'orphan_present',
};

export type FeatureSet = 'compat' | 'incompat' | 'ro_compat';

const TABLES: Record<FeatureSet, { names: Record<number, string>; letter: string }> = {
  compat: { names: COMPAT, letter: 'C' },
  incompat: { names: INCOMPAT, letter: 'I' },
  ro_compat: { names: RO_COMPAT, letter: 'R' },
};

/** The names of the bits set in one feature word; unknown bits read "FEATURE_I31", as e2fsprogs writes them. */
export function featureNames(set: FeatureSet, word: number): string[] {
  const { names, letter } = TABLES[set];
  const unsigned = word >>> 0; // a word built with | in JS may have gone negative
  const out: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const mask = 2 ** bit;
    if (Math.floor(unsigned / mask) % 2 === 1) out.push(names[mask] ?? `FEATURE_${letter}${bit}`);
  }
  return out;
}
