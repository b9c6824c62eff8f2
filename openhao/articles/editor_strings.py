"""The Chinese of django-prose-editor's toolbar and dialogs.

Here, beside the sanitiser (sanitize.py) that bounds what any editor may store, because more
than the studio uses the editor: the campaign description (campaigns.forms) does too.

The editor's JavaScript is written in English: its dialogs translate their labels with
``window.gettext`` (Django's JavaScript catalog convention) and its toolbar sets fixed English
titles. A page with the editor hands this table to ``js/editor-i18n.js``, which provides that
``gettext`` and retitles the toolbar as it is drawn. The keys are the editor's own English
strings (django-prose-editor 0.28); the values go through Django's translation machinery like
every other UI string, so another language needs only a catalogue."""

from django.utils.translation import gettext_lazy as _

_LEVELS = {1: _("一级标题"), 2: _("二级标题"), 3: _("三级标题"), 4: _("四级标题"),
           5: _("五级标题"), 6: _("六级标题")}  # fmt: skip

EDITOR_STRINGS = {
    # Block types: toolbar titles (lower case) and the block-type picker (capitalised).
    **{f"heading {n}": label for n, label in _LEVELS.items()},
    **{f"Heading {n}": label for n, label in _LEVELS.items()},
    "paragraph": _("普通段落"),
    "Paragraph": _("普通段落"),
    "blockquote": _("引用"),
    "horizontal rule": _("分隔线"),
    "Code block": _("代码块"),
    # Marks.
    "bold": _("加粗"),
    "italic": _("斜体"),
    "underline": _("下划线"),
    "strike": _("删除线"),
    "subscript": _("下标"),
    "superscript": _("上标"),
    "Code": _("行内代码"),
    # Lists.
    "unordered list": _("无序列表"),
    "ordered list": _("有序列表"),
    "List properties": _("列表属性"),
    "List type": _("列表类型"),
    "Start at": _("起始编号"),
    "Bullets": _("项目符号"),
    "Decimal numbers": _("数字"),
    "Lowercase letters": _("小写字母"),
    "Uppercase letters": _("大写字母"),
    "Lowercase Roman numerals": _("小写罗马数字"),
    "Uppercase Roman numerals": _("大写罗马数字"),
    # Links.
    "insert link": _("插入链接"),
    "remove link": _("取消链接"),
    "Edit Link": _("编辑链接"),
    "URL": _("链接地址"),
    "Title": _("链接标题"),
    "Open in new window": _("在新窗口中打开"),
    # Figures and images.
    "figure": _("插入图片"),
    "Insert Figure": _("插入图片"),
    "Edit Figure": _("编辑图片"),
    "Edit Image": _("编辑图片"),
    "Image URL": _("图片地址"),
    "Alternative Text": _("图片说明（供读屏软件朗读）"),
    "Caption": _("图注"),
    "Add caption": _("添加图注"),
    "Remove caption": _("删除图注"),
    "Browse...": _("选择文件…"),
    "Insert": _("插入"),
    # Tables.
    "Insert table": _("插入表格"),
    "Insert Table": _("插入表格"),
    "Table Properties": _("表格属性"),
    "Rows": _("行数"),
    "Columns": _("列数"),
    "Include header row": _("包含表头行"),
    "Merge cells": _("合并单元格"),
    "Split cell": _("拆分单元格"),
    # History and utilities.
    "undo": _("撤销"),
    "redo": _("重做"),
    "edit HTML": _("编辑 HTML"),
    "Edit HTML": _("编辑 HTML"),
    "Prettify": _("整理格式"),
    "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor "
    "schema.": _("编辑器中的 HTML。只能使用编辑器支持的标签。"),
    "Toggle fullscreen": _("全屏编辑"),
    "Styles": _("样式"),
    "Reset all classes": _("清除样式"),
    # Dialog buttons.
    "Update": _("确定"),
    "Cancel": _("取消"),
}
