/** A few support tickets, as customers write them: what the demo and the tests send. */
import type { Ticket } from './triage.js';

export const TICKETS: readonly Ticket[] = [
  {
    subject: 'Dashboard down for our whole team',
    body: 'Since 09:10 every page returns a 500 and nobody in our company can work. This is urgent.',
  },
  {
    subject: 'Charged twice this month',
    body: 'My card was charged twice for the December invoice (order 4471). Please refund one of them.',
  },
  {
    subject: 'Locked out after 2FA reset',
    body: 'I reset my phone and now the 2FA code is never accepted. My account is locked.',
  },
  {
    subject: 'Export to CSV puts dates in the wrong column',
    body: 'When I export the report, the date column is shifted by one. Looks like a bug since last week.',
  },
  {
    subject: 'How do I add a teammate?',
    body: 'I would like to invite a colleague to our workspace. Where do I do that?',
  },
  {
    subject: 'Refund for unused seats',
    body: 'We removed five seats in November but the invoice still bills them. Can we get a refund?',
  },
];
