"""What every report kind hands to the renderer."""

from dataclasses import dataclass, field

from .rendering import render_html


@dataclass
class DocumentSpec:
    template: str
    title: str
    context: dict
    programme: object
    library: object = None
    rows: int = 0
    extra: dict = field(default_factory=dict)

    def html(self) -> str:
        return render_html(self.template, {"title": self.title, "programme": self.programme, **self.context})


def report(progress, value):
    if progress:
        progress(value)
