from django.urls import path

from articles import views
from articles.feeds import LatestArticlesFeed

app_name = "articles"

urlpatterns = [
    path("", views.article_index, name="index"),
    path("search/", views.article_search, name="search"),
    path("faq/", views.faq, name="faq"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("topic/<slug:slug>/", views.topic_detail, name="topic"),
    path("<slug:slug>/", views.article_detail, name="article"),
]
