// Pages through the tracker's events API with SparkPost's own Node client, the way its users do: a first
// search, then each links.next taken apart into the parameters of the next search.
// Usage: node page-events.js ORIGIN API_KEY CAMPAIGN PER_PAGE   (prints one JSON line)
const SparkPost = require('sparkpost');

const [origin, key, campaign, perPage] = process.argv.slice(2);
const client = new SparkPost(key, { origin });

async function main() {
  let params = { campaigns: campaign, per_page: perPage };
  const ids = [];
  const totals = [];
  let firstNext = null;
  for (;;) {
    const page = await client.events.searchMessage(params);
    page.results.forEach((event) => ids.push(event.event_id));
    totals.push(page.total_count);
    if (!page.links || !page.links.next) {
      break;
    }
    firstNext = firstNext || page.links.next;
    params = Object.fromEntries(new URL(page.links.next, origin).searchParams);
  }
  let unknown = null;
  try {
    await client.events.searchMessage({ campaign_id: campaign });
  } catch (error) {
    unknown = { status: error.statusCode, errors: error.errors };
  }
  console.log(JSON.stringify({ ids, totals, firstNext, unknown }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
