/**
 * Checks an upstream base URL and returns it without a trailing slash, or a problem. Problems do
 * not quote the URL (it may come from the environment).
 */
export function normaliseBaseUrl(text: string): { url: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'must be an http(s) URL, e.g. https://api.example.com/v1' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: 'must be an http(s) URL, e.g. https://api.example.com/v1' };
  }
  if (url.username !== '' || url.password !== '') {
    return { problem: 'must not contain credentials (use apiKey or headers)' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { problem: 'must not contain a query string or fragment' };
  }
  return { url: url.href.replace(/\/+$/, '') };
}
