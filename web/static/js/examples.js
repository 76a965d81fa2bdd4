// Realistic example data for each event type of the catalog, for the
// send-event form: what a product would put in an event's data, shaped after
// the seed products' own payloads (SelfCommunity, Fluent, Tribe, Firstup).
// Custom types get a generic object named after the type.

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

const member = (id = 4821, name = 'Ada Lovelace', username = 'ada') => ({id, username, real_name: name, avatar: `https://community.example.com/avatars/${id}.png`});

const html = (text) => `<p>${text}</p>`;

// Entities by group: the object an event of that group is about.
const entities = {
  campaign: () => ({campaign_id: 8273, campaign_name: 'Spring launch', push_message: {name: 'Launch push', text: 'Our spring collection is live', locale: 'en', deep_link: {type: 'content', resource_id: 25120469}}}),
  category: () => ({category: {id: 12, name: 'Product updates', slug: 'product-updates', active: true}, user: member()}),
  channel: () => ({channel_id: 31133, channel_name: 'Company news'}),
  comment: () => ({comment: {id: 90412, post_id: 7710, parent_id: null, html: html('Thanks, this fixed it for me!'), summary: 'Thanks, this fixed it for me!', added_at: now(), author: member()}}),
  connection: () => ({user: member(), to_user: member(5532, 'Grace Hopper', 'grace')}),
  connection_request: () => ({request: {id: 3381, status: 'pending', created_at: now()}, from_user: member(), to_user: member(5532, 'Grace Hopper', 'grace')}),
  content: () => ({content_id: 25120469, title: 'Q3 all-hands recap', channel_ids: [13434], author: {user_id: 25730}}),
  course: () => ({course: {id: 55, title: 'Community moderation 101', slug: 'moderation-101'}, user: member(), enrolled_at: now()}),
  discussion: () => ({discussion: {id: 3120, title: 'Which integrations should we build next?', slug: 'which-integrations-next', categories: [12], added_at: now(), author: member()}}),
  feed: () => ({feed: {id: 66102, message: 'Welcome to the new members who joined this week!', space_id: 14, created_at: now(), user: member()}}),
  lesson: () => ({lesson: {id: 902, title: 'Writing house rules', course_id: 55}, user: member(), completed_at: now()}),
  loyalty: () => ({prize: {id: 7, name: 'Community hoodie', points: 1500, active: true}, user: member()}),
  moderation: () => ({moderation: {id: 4410, content_type: 'comment', content_id: 90412, reason: 'spam', status: 'open', created_at: now()}, moderator: member(77, 'Mod Team', 'mods')}),
  notification: () => ({notification: {id: 120931, sid: 'n_120931', is_new: true, created_at: now()}, recipient: member(5532, 'Grace Hopper', 'grace'), user: member()}),
  poll_vote: () => ({vote: {id: 8812, poll_id: 301, choice_id: 2, choice: 'Weekly'}, user: member()}),
  post: () => ({post: {id: 7710, title: 'How we run our community office hours', space_id: 14, status: 'published', url: 'https://community.example.com/p/7710', created_at: now(), author: member()}}),
  reaction: () => ({reaction: {type: 'like', emoji: '👍'}, post_id: 7710, actor: member(), count: 12}),
  report: () => ({report: {id: 215, reason: 'offtopic', content_type: 'post', content_id: 7710, status: 'open', created_at: now()}, reporter: member(5532, 'Grace Hopper', 'grace')}),
  space: () => ({space: {id: 14, name: 'Product feedback', slug: 'product-feedback', privacy: 'public', members_count: 1284}, user: member()}),
  status: () => ({status: {id: 5120, html: html('Shipping the new editor today 🚀'), added_at: now(), author: member()}}),
  user: () => ({user: {...member(), email: 'ada@example.com', date_joined: now(), reputation: 240, tags: ['beta-tester']}}),
  user_notification: () => ({notification: {id: 120931, user_id: 4821, type: 'mention', read: false, created_at: now()}}),
  vote: () => ({vote: {id: 99120, value: 1, content_type: 'post', content_id: 7710}, user: member()}),
};

// What the verb adds: who did it and when, or the change.
function verbFields(type) {
  const verb = type.split(/[._]/).at(-1);
  switch (verb) {
    case 'created': case 'published': case 'sent': case 'added': case 'registered': case 'enrolled':
      return {};
    case 'updated': case 'profile_updated': case 'settings_updated':
      return {changed_fields: ['title', 'html'], updated_at: now()};
    case 'deleted': case 'removed': case 'archived': case 'unpublished':
      return {deleted_by: member(77, 'Mod Team', 'mods'), deleted_at: now()};
    case 'restored': case 'unarchived': case 'undeleted_for':
      return {restored_by: member(77, 'Mod Team', 'mods'), restored_at: now()};
    case 'follow': case 'followed': case 'joined': case 'member_joined':
      return {followed_at: now()};
    case 'unfollow': case 'unfollowed': case 'left': case 'member_left':
      return {left_at: now()};
    case 'approved': case 'accepted': case 'resolved': case 'unblocked':
      return {reviewer: member(77, 'Mod Team', 'mods'), decided_at: now()};
    case 'rejected': case 'blocked': case 'cancelled':
      return {reviewer: member(77, 'Mod Team', 'mods'), reason: 'Does not follow the house rules.', decided_at: now()};
    default:
      return {};
  }
}

// Overrides for types whose data differs from their group's.
const special = {
  'user.loyalty_points_updated': () => ({user: member(), points: 1650, previous_points: 1500, reason: 'comment.created'}),
  'user.score_updated': () => ({user: member(), score: 251, previous_score: 240}),
  'loyalty.prize_request.created': () => ({prize_request: {id: 41, prize_id: 7, status: 'pending', created_at: now()}, user: member()}),
  'loyalty.prize_request.updated': () => ({prize_request: {id: 41, prize_id: 7, status: 'approved', updated_at: now()}, user: member()}),
  'space.member_joined': () => ({space: {id: 14, name: 'Product feedback', slug: 'product-feedback'}, member: member(), joined_at: now()}),
  'space.member_left': () => ({space: {id: 14, name: 'Product feedback', slug: 'product-feedback'}, member: member(), left_at: now()}),
  'content_review_pending': () => ({content_id: 25120469, recommended_channel_ids: [13434], submitter: {user_id: 25730}}),
  'content_review_approved': () => ({content_id: 25120469, recommended_channel_ids: [13434], submitter: {user_id: 25730}, reviewer: {user_id: 25731}, auto_approved: false}),
  'content_review_rejected': () => ({content_id: 25120469, recommended_channel_ids: [13434], submitter: {user_id: 25730}, reviewer: {user_id: 25731}}),
  'notification.private_message': () => ({message: {id: 5531, html: html('Are you coming to the meetup on Thursday?'), sent_at: now()}, sender: member(), recipient: member(5532, 'Grace Hopper', 'grace')}),
  'notification.mention': () => ({mention: {content_type: 'comment', content_id: 90412, snippet: '@grace can you take a look?'}, user: member(), recipient: member(5532, 'Grace Hopper', 'grace')}),
};

// examplePayload returns example data for an event of type in group, as a
// JSON object (never the envelope: hookd adds id, type, created, version).
export function examplePayload(type, group) {
  if (special[type]) return special[type]();
  const entity = entities[group] || entities[type.split(/[._]/)[0]];
  if (!entity) return {id: 1, name: type, occurred_at: now()};
  return {...entity(), ...verbFields(type)};
}
