import { closest, distance } from 'fastest-levenshtein';

/** Names users bring from other frameworks, mapped to layerwise' keys. */
const ALIASES: Record<string, string> = {
  learning_rate: 'lr',
  wd: 'weight_decay',
  l2: 'weight_decay',
  depth: 'stages',
  num_stages: 'stages',
  num_blocks: 'stages',
  k: 'hidden_layers',
  nlin: 'hidden_layers',
  num_hidden_layers: 'hidden_layers',
  bn: 'batch_norm',
  batchnorm: 'batch_norm',
  use_bias: 'bias',
  epochs_per_stage: 'epochs',
  num_epochs: 'epochs',
  batchsize: 'batch_size',
  gamma_every: 'step_size',
  milestone: 'milestones',
  feature_size: 'width',
  width_aux: 'width',
  name_or_type: 'type',
  kind: 'type',
};

function nearest(word: string, candidates: readonly string[]): { best: string; d: number } {
  const best = closest(word, [...candidates]);
  return { best, d: distance(word.toLowerCase(), best.toLowerCase()) };
}

/** The candidate closest to `word`, when it is close enough to be a likely typo or a known alias. */
export function suggest(word: string, candidates: readonly string[]): string | null {
  if (candidates.length === 0) return null;
  const limit = Math.max(2, Math.floor(word.length / 3));
  const direct = nearest(word, candidates);
  if (direct.d <= limit) return direct.best;
  const aliases = Object.keys(ALIASES).filter((a) => candidates.includes(ALIASES[a]!));
  if (aliases.length === 0) return null;
  const viaAlias = nearest(word, aliases);
  return viaAlias.d <= limit ? ALIASES[viaAlias.best]! : null;
}
