/** Word lists for the simulator's replies and generated JSON values: plain business English. */

export const OPENERS: readonly string[] = [
  'In practice,',
  'As a result,',
  'For example,',
  'In most cases,',
  'However,',
  'At the same time,',
  'In addition,',
  'To be clear,',
  'Over time,',
  'In short,',
  'Once that is done,',
  'Where possible,',
];

export const SUBJECTS: readonly string[] = [
  'the team',
  'the platform',
  'the service',
  'the customer',
  'the report',
  'the system',
  'the project',
  'each request',
  'the new policy',
  'the support team',
  'the data pipeline',
  'the main dashboard',
  'the billing service',
  'the review process',
  'every release',
  'the product owner',
];

export const PRONOUNS: readonly string[] = ['we', 'you', 'they', 'most teams', 'our engineers'];

export const VERBS_3RD: readonly string[] = [
  'reviews',
  'updates',
  'improves',
  'tracks',
  'supports',
  'checks',
  'reduces',
  'explains',
  'records',
  'shares',
  'handles',
  'measures',
  'protects',
  'simplifies',
  'describes',
  'follows',
];

export const VERBS_BASE: readonly string[] = [
  'review',
  'update',
  'improve',
  'track',
  'compare',
  'check',
  'reduce',
  'explain',
  'record',
  'share',
  'plan',
  'measure',
  'test',
  'document',
  'schedule',
  'monitor',
];

export const ADJECTIVES: readonly string[] = [
  'clear',
  'simple',
  'current',
  'detailed',
  'reliable',
  'shared',
  'weekly',
  'final',
  'useful',
  'small',
  'recent',
  'important',
  'complete',
  'careful',
  'local',
  'standard',
];

export const NOUNS: readonly string[] = [
  'plan',
  'budget',
  'schedule',
  'summary',
  'workflow',
  'account',
  'invoice',
  'request',
  'document',
  'feedback',
  'dataset',
  'contract',
  'question',
  'process',
  'result',
  'timeline',
  'response',
  'checklist',
  'forecast',
  'order',
];

export const PREPOSITIONS: readonly string[] = [
  'before the next release',
  'during the weekly meeting',
  'after each change',
  'with the whole team',
  'for every new customer',
  'at the end of the month',
  'in the shared folder',
  'across all regions',
  'within a few days',
  'without extra cost',
  'on a regular basis',
  'as soon as possible',
];

export const ADVERBS: readonly string[] = [
  'carefully',
  'quickly',
  'regularly',
  'clearly',
  'together',
  'early',
  'directly',
  'safely',
];

export const EVALUATIONS: readonly string[] = [
  'a good idea',
  'often helpful',
  'usually enough',
  'worth the effort',
  'important',
  'easier',
  'common practice',
];

export const FIRST_NAMES: readonly string[] = [
  'Alex',
  'Maria',
  'Sam',
  'Priya',
  'Jonas',
  'Elena',
  'David',
  'Aiko',
  'Omar',
  'Lucia',
];

export const LAST_NAMES: readonly string[] = [
  'Morgan',
  'Schmidt',
  'Rossi',
  'Patel',
  'Nakamura',
  'Kowalski',
  'Garcia',
  'Novak',
  'Silva',
  'Jensen',
];

export const CITIES: readonly string[] = [
  'Berlin',
  'Paris',
  'London',
  'Madrid',
  'Tokyo',
  'Toronto',
  'Chicago',
  'Sydney',
  'Vienna',
  'Lisbon',
];

export const COUNTRIES: readonly string[] = [
  'Germany',
  'France',
  'Japan',
  'Canada',
  'Spain',
  'Brazil',
  'Italy',
  'Sweden',
];

export const COLORS: readonly string[] = ['red', 'blue', 'green', 'orange', 'purple', 'gray'];

export const STATUSES: readonly string[] = ['open', 'pending', 'active', 'resolved', 'closed'];

export const CURRENCIES: readonly string[] = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'];

export const LANGUAGES: readonly string[] = ['en', 'de', 'fr', 'es', 'ja'];
