from django.apps import AppConfig


class WarehouseReadsConfig(AppConfig):
    name = "warehouse.reads"
    label = "warehouse_reads"
    verbose_name = "Warehouse access"
