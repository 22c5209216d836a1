app_name = "recruiting"
urlpatterns: list = []
