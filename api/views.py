"""Version 1 of the integration API. Thin views: validate, call one selector or service."""

from typing import cast

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors, serializers
from api.models import Grant, IntegrationClient
from api.parsers import SafeJSONParser
from api.permissions import HasGrant
from api.services import receive_phk_report, record_nik_lookup
from api.throttling import TokenRateThrottle
from jkp_site.db_router import reading_replica

CLAIM_NUMBER_PATTERN = r"^[A-Za-z0-9-]{1,20}$"

COMMON_ERRORS = {
    401: OpenApiResponse(serializers.ErrorSerializer, description="Missing or invalid token."),
    403: OpenApiResponse(serializers.ErrorSerializer, description="Token lacks the grant."),
}
COMMON_ERRORS[429] = OpenApiResponse(
    serializers.ErrorSerializer, description="Too many requests for this token; see Retry-After."
)
BODY_ERRORS = {
    **COMMON_ERRORS,
    413: OpenApiResponse(serializers.ErrorSerializer, description="Body too large."),
    400: OpenApiResponse(serializers.ErrorSerializer, description="Malformed or invalid input."),
    415: OpenApiResponse(serializers.ErrorSerializer, description="Body is not JSON."),
}


class GrantedAPIView(APIView):
    """Needs the view's grant; refuses query parameters it does not define, so a misspelt
    parameter (or a NIK put in the URL) is an error rather than silently ignored."""

    permission_classes = [IsAuthenticated, HasGrant]
    throttle_classes = [TokenRateThrottle]
    parser_classes = [SafeJSONParser]
    required_grant: str
    query_parameters: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.query_parameters)
        if unknown:
            raise ValidationError(
                {unknown[0]: drf_serializers.ErrorDetail(_("Unknown query parameter."), "unknown")}
            )


class EligibilityView(GrantedAPIView):
    required_grant = Grant.ELIGIBILITY_READ

    @extend_schema(
        operation_id="eligibility_summary",
        summary="Eligibility summary of a participant, by NIK",
        description=(
            "The NIK is sent in the body (never in the URL). With `phk_date` and `reason` the "
            "rules engine also evaluates a claim for that termination, filed today."
        ),
        request=serializers.EligibilityRequestSerializer,
        responses={
            200: serializers.EligibilitySummarySerializer,
            404: OpenApiResponse(serializers.ErrorSerializer, description="No such participant."),
            422: OpenApiResponse(
                serializers.ErrorSerializer, description="The rules engine refused the input."
            ),
            **BODY_ERRORS,
        },
        tags=["eligibility"],
    )
    def post(self, request):
        data = _validated(serializers.EligibilityRequestSerializer, request.data)
        participant = selectors.participant_for_client(client=request.auth, nik=data["nik"])
        record_nik_lookup(
            client=request.auth,
            endpoint="eligibility",
            nik=data["nik"],
            found=participant is not None,
        )
        if participant is None:
            raise NotFound("No participant with this NIK.")
        summary = {
            "nik_masked": participant.nik_masked,
            "kpj_number": participant.kpj_number,
            "name": participant.name,
            "citizen": participant.citizen,
            **selectors.eligibility_summary(participant=participant, request=data),
        }
        return Response(serializers.EligibilitySummarySerializer(summary).data)


class PhkReportView(GrantedAPIView):
    required_grant = Grant.PHK_WRITE

    @extend_schema(
        operation_id="phk_report",
        summary="Report a termination (PHK); optionally open a draft claim",
        description=(
            "Creates the termination, or updates the earlier report of the same worker, "
            "employer and PHK date. With `open_claim` a draft claim is opened (channel `api`)."
        ),
        request=serializers.PhkReportSerializer,
        responses={
            201: serializers.PhkReportResultSerializer,
            200: serializers.PhkReportResultSerializer,
            404: OpenApiResponse(
                serializers.ErrorSerializer, description="No such participant or employer."
            ),
            422: OpenApiResponse(
                serializers.ErrorSerializer, description="Refused by a business rule."
            ),
            **BODY_ERRORS,
        },
        tags=["phk"],
    )
    def post(self, request):
        data = _validated(serializers.PhkReportSerializer, request.data)
        found = selectors.participant_for_client(client=request.auth, nik=data["nik"])
        record_nik_lookup(
            client=request.auth, endpoint="phk_report", nik=data["nik"], found=found is not None
        )
        result = receive_phk_report(client=request.auth, acting_user=request.user, **data)
        return Response(
            serializers.PhkReportResultSerializer(result).data,
            status=status.HTTP_201_CREATED if result["created"] else status.HTTP_200_OK,
        )


class ClaimStatusView(GrantedAPIView):
    required_grant = Grant.CLAIMS_READ

    @extend_schema(
        operation_id="claim_status",
        summary="A claim's state and cash instalments",
        parameters=[
            OpenApiParameter(
                "number",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=CLAIM_NUMBER_PATTERN,
                description="The claim number.",
            )
        ],
        responses={
            200: serializers.ClaimStatusSerializer,
            404: OpenApiResponse(serializers.ErrorSerializer, description="No such claim."),
            **COMMON_ERRORS,
        },
        tags=["claims"],
    )
    def get(self, request, number: str):
        claim = selectors.claim_status_for_client(client=request.auth, number=number)
        if claim is None:
            raise NotFound(_("No such claim."))
        return Response(serializers.ClaimStatusSerializer(claim).data)


class ChangesPagination(CursorPagination):
    """Cursor pagination over event ids: stable while new events are being added."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def decode_cursor(self, request):
        """DRF answers 404 for an undecodable cursor and lets a well-formed one with a forged
        position reach the database (a 500). Both are the client's error: 400."""
        invalid = ValidationError(
            {self.cursor_query_param: drf_serializers.ErrorDetail(_("Invalid cursor."), "invalid")}
        )
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise invalid from None
        # The stubs say int; decoded from the query string, the position is a str (or None).
        position = (
            str(cursor.position) if cursor is not None and cursor.position is not None else None
        )
        if position is not None and not (position.isdigit() and len(position) < 19):
            raise invalid
        return cursor

    def get_page_size(self, request) -> int:
        # DRF quietly falls back to the default for a bad page_size; a client should hear of it.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        field = drf_serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.run_validation(raw)
        except ValidationError as exc:
            raise ValidationError({self.page_size_query_param: exc.detail}) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters


class ChangesView(GrantedAPIView, ListAPIView):
    required_grant = Grant.CHANGES_READ
    pagination_class = ChangesPagination
    query_parameters = frozenset({"since", "cursor", "page_size"})
    serializer_class = serializers.ChangeSerializer

    def get_queryset(self):
        query = _validated(serializers.ChangesQuerySerializer, self.request.query_params)
        # HasGrant (a permission of every GrantedAPIView) only lets an IntegrationClient through.
        client = cast(IntegrationClient, self.request.auth)
        return selectors.changes_for_client(client=client, since=query["since"])

    @extend_schema(
        operation_id="changes_list",
        summary="Claim changes after a timestamp, oldest first (cursor pagination)",
        description=(
            "Follow `next` until it is null; keep the last `id` or `occurred_at` to resume. "
            "Each item is one recorded step of a claim (state change or action)."
        ),
        parameters=[serializers.ChangesQuerySerializer],
        responses={
            200: serializers.ChangeSerializer(many=True),
            400: OpenApiResponse(
                serializers.ErrorSerializer, description="Bad parameters or cursor."
            ),
            **COMMON_ERRORS,
        },
        tags=["changes"],
    )
    def get(self, request, *args, **kwargs):
        # The feed reads the replica (the token was checked on the primary before this).
        with reading_replica():
            return super().get(request, *args, **kwargs)


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
