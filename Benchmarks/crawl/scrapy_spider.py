"""The Scrapy side of the crawl benchmark: a plain CrawlSpider that follows
every link on the site, obeys robots.txt, and logs one JSON line per page.

Run by Benchmarks/crawl/run.sh as:
    scrapy runspider scrapy_spider.py -a start=URL -s CONCURRENT_REQUESTS=64 ... -O out.jsonl
"""
from urllib.parse import urlsplit

from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class FollowAllSpider(CrawlSpider):
    name = "follow_all"
    # PDFs and images linked from pages are fetched too (as asyncurl-crawl does).
    rules = (Rule(LinkExtractor(deny_extensions=[]), callback="parse_page", follow=True),)
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "RETRY_TIMES": 2,
    }

    def __init__(self, start, *args, **kwargs):
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname]
        super().__init__(*args, **kwargs)

    def parse_start_url(self, response, **kwargs):
        return self.parse_page(response)

    def parse_page(self, response):
        sources = response.meta.get("redirect_urls") or [response.url]
        yield {"url": sources[0], "final_url": response.url, "status": response.status}
