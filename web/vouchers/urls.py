from django.urls import path

from . import online_views, recharge_views, staff_views, views

staff = [
    path("cards/", staff_views.batch_list, name="voucher-batch-list"),
    path("cards/new/", staff_views.batch_create, name="voucher-batch-create"),
    path("cards/<int:pk>/", staff_views.batch_detail, name="voucher-batch-detail"),
    path("cards/<int:pk>/cards.pdf", staff_views.batch_pdf, name="voucher-batch-pdf"),
    path("cards/<int:pk>/cards.csv", staff_views.batch_csv, name="voucher-batch-csv"),
    path("cards/<int:pk>/status/", staff_views.batch_status, name="voucher-batch-status"),
    path("cards/<int:pk>/issue/", staff_views.batch_issue, name="voucher-batch-issue"),
    path("cards/plans/", staff_views.plan_list, name="voucher-plan-list"),
    path("cards/plans/new/", staff_views.plan_create, name="voucher-plan-create"),
    path("cards/plans/<int:pk>/edit/", staff_views.plan_edit, name="voucher-plan-edit"),
    path("cards/zones/", staff_views.zone_list, name="voucher-zone-list"),
    path("cards/zones/<int:pk>/edit/", staff_views.zone_edit, name="voucher-zone-edit"),
    path("cards/zones/<int:pk>/hotspot.zip", staff_views.zone_hotspot_zip, name="voucher-zone-hotspot"),
    path("cards/block/", staff_views.card_block, name="voucher-card-block"),
    path("cards/report/", staff_views.report, name="voucher-report"),
    path("cards/online/", online_views.purchase_list, name="voucher-online-list"),
    path("cards/online/<int:pk>/", online_views.purchase_detail, name="voucher-online-detail"),
    path("cards/online/<int:pk>/refund/", online_views.purchase_refund, name="voucher-online-refund"),
]

reseller = [
    path("cards/", views.batch_list, name="card-batch-list"),
    path("cards/<int:pk>/", views.batch_detail, name="card-batch-detail"),
    path("cards/<int:pk>/sold/", views.batch_sold, name="card-batch-sold"),
    path("cards/<int:pk>/cards.pdf", views.batch_pdf, name="card-batch-pdf"),
    path("cards/<int:pk>/cards.csv", views.batch_csv, name="card-batch-csv"),
    path("cards/block/", views.card_block, name="card-block"),
]

# The customer portal's "Recharge with a card" (under Payments).
portal = [*recharge_views.portal_urlpatterns]

# Public, mounted at /recharge/ (config/urls.py): a card onto an account named by its phone or number.
public = [*recharge_views.public_urlpatterns]
