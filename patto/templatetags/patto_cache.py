"""``{% kept %}``: a part of the layout rendered once per process (``patto.cache.kept``).

    {% kept "header-nav" request.resolver_match.view_name follows_content=True %}
      …
    {% endkept %}

The quoted name and the values after it (and the active language) say which copy is the right
one: everything the part shows must be decided by them. ``follows_content=True`` renders it
again after any change to the portal's content (the programmes of the navigation). Nothing of
the visitor's own (a CSRF token, their name, the page's address) may be inside.
"""

from django import template
from django.template.base import token_kwargs

from patto.cache.kept import kept, request_generation

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist, name, vary, follows_content):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary
        self.follows_content = follows_content

    def render(self, context):
        key = (self.name.resolve(context), *(value.resolve(context) for value in self.vary))
        if self.follows_content and self.follows_content.resolve(context):
            key = (*key, request_generation(context.get("request")))
        return kept(key, lambda: self.nodelist.render(context))


@register.tag("kept")
def do_kept(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% kept %} needs a name")
    options = token_kwargs([bit for bit in bits if "=" in bit], parser)
    unknown = set(options) - {"follows_content"}
    if unknown:
        raise template.TemplateSyntaxError(f"{{% kept %}} does not take {', '.join(unknown)}")
    values = [parser.compile_filter(bit) for bit in bits if "=" not in bit]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, values[0], values[1:], options.get("follows_content"))
