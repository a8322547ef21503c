from django.apps import AppConfig


class MlworkersConfig(AppConfig):
    name = "mlworkers"
    label = "mlworkers"
    verbose_name = "Models: training, registry and serving"

    def ready(self) -> None:
        # The linguistic tasks (gloss, POS, segmentation) register their handlers here; other
        # apps add theirs with ``mlworkers.tasks_registry.register_task`` in their own ready().
        from mlworkers import linguistic  # noqa: F401
