"""The plain-language library: articles, topics and FAQ, their search, feed and sitemap sections.

Other pages show matching articles with the `related_articles_box` template tag. Imports `portal`
(notices) and `directory` (its FilterSet checks the directory links an article's button opens).
Dependencies: Markdown for writing articles and nh3 to sanitise the HTML it produces (a kept,
Rust-backed sanitiser rather than a hand-written allow-list).
"""
