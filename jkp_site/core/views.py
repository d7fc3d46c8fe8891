from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jkp_site.core.roles import Role


def home(request: HttpRequest) -> HttpResponse:
    """The home page of whoever is signed in: workers go to the portal, staff to their work.

    Signed out, it is the staff sign-in page with the workers' way in to the portal beside it
    (the form posts to the sign-in address, where the throttles and the second step apply).
    """
    if not request.user.is_authenticated:
        return render(
            request, "registration/login.html", {"form": AuthenticationForm(request), "next": ""}
        )
    roles = request.user.role_names
    if Role.PESERTA.value in roles and not request.user.is_staff:
        try:
            return redirect(reverse("portal:home"))
        except NoReverseMatch:
            pass
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise; for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
