from django.apps import AppConfig


class MlworkersConfig(AppConfig):
    name = "mlworkers"
    label = "mlworkers"
    verbose_name = "Models: training, registry and serving"

    def ready(self) -> None:
        # The linguistic tasks (gloss, POS, segmentation) register their handlers here; other
        # apps add theirs with ``mlworkers.tasks_registry.register_task`` in their own ready().
        from annotations.linked_api.services import register_describer
        from mlworkers import cleanup, linguistic  # noqa: F401
        from mlworkers.linked import describe_model

        # Accepted values are attributed to ``/ld/<project>/model/<id>``: it dereferences.
        register_describer("model", describe_model)
