"""Word lists and code templates the corpus generator draws from."""

from __future__ import annotations


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


EN_WORDS = _split(
    "application request response context blueprint template view route handler session "
    "cookie header config extension database query model form field error test client "
    "server worker process thread signal command logger proxy instance factory module "
    "package import object function argument value default option setting variable "
    "environment deployment production development debugger reloader static file folder "
    "path endpoint method rule converter redirect status body stream json data cache key "
    "token user account login password secret hash registration teardown callback hook "
    "decorator middleware dispatch loader filter macro block inheritance layout page "
    "message flash category sequence connection cursor transaction schema migration "
    "record entry index table column primary foreign relation query result lifetime "
    "scope global local proxy attribute property behaviour pattern example tutorial "
    "guide reference detail overview summary step section chapter version release"
)

EN_VERBS = _split(
    "returns registers creates handles loads stores renders builds checks passes raises "
    "calls reads writes sends receives matches wraps configures starts stops runs "
    "validates converts resolves caches opens closes pushes pops binds shares keeps"
)

EN_GLUE = _split(
    "the a this each every that its your the the when while because so then after "
    "before with without for from into over under by and or but also only"
)

ZH_WORDS = _split(
    "应用 请求 响应 上下文 蓝图 模板 视图 路由 处理 会话 配置 扩展 数据库 查询 模型 表单 "
    "字段 错误 测试 客户端 服务器 进程 线程 信号 命令 日志 代理 实例 工厂 模块 包 导入 "
    "对象 函数 参数 默认值 选项 设置 变量 环境 部署 生产 开发 调试器 静态文件 文件夹 路径 "
    "端点 方法 规则 转换器 重定向 状态 正文 数据 缓存 令牌 用户 账户 登录 密码 密钥 注册 "
    "回调 钩子 装饰器 中间件 分发 加载器 过滤器 宏 继承 布局 页面 消息 类别 连接 游标 "
    "事务 迁移 记录 条目 索引 表格 主键 外键 关系 结果 生命周期 作用域 全局 局部 属性 "
    "行为 模式 示例 教程 指南 参考 细节 概述 步骤 章节 版本 发布 项目 框架 功能 接口"
)

ZH_VERBS = _split(
    "返回 注册 创建 处理 加载 保存 渲染 构建 检查 传递 抛出 调用 读取 写入 发送 接收 "
    "匹配 包装 配置 启动 停止 运行 验证 转换 解析 缓存 打开 关闭 推入 弹出 绑定 共享"
)

ZH_GLUE = _split(
    "的 了 在 和 与 或 把 被 让 使 这个 每个 那个 如果 因为 所以 然后 之后 之前 同时 "
    "只有 也 都 会 可以 需要 应该 已经 通常 总是 一般 就"
)

PYTHON_TEMPLATES = (
    """from flask import Flask, abort, render_template

app = Flask(__name__)


@app.route("/{a}/<int:{b}_id>")
def show_{a}({b}_id):
    {c} = load_{c}({b}_id)
    if {c} is None:
        abort(404)
    return render_template("{a}/show.html", {c}={c})
""",
    """import sqlite3

from flask import current_app, g


def get_{a}():
    if "{a}" not in g:
        g.{a} = sqlite3.connect(
            current_app.config["{A}_PATH"],
            detect_types=sqlite3.PARSE_DECLTYPES,
        )
        g.{a}.row_factory = sqlite3.Row
    return g.{a}


def close_{a}(e=None):
    {a} = g.pop("{a}", None)
    if {a} is not None:
        {a}.close()
""",
    """from flask import Blueprint, flash, redirect, request, url_for

bp = Blueprint("{a}", __name__, url_prefix="/{a}")


@bp.route("/{b}", methods=("GET", "POST"))
def {b}():
    if request.method == "POST":
        {c} = request.form["{c}"]
        error = None
        if not {c}:
            error = "{C} is required."
        if error is None:
            save_{c}({c})
            return redirect(url_for("{a}.index"))
        flash(error)
    return render_template("{a}/{b}.html")
""",
    '''class {A}{B}:
    """Keep track of {b} values for one {a}."""

    def __init__(self, {a}, limit=10):
        self.{a} = {a}
        self.limit = limit
        self._items = []

    def add(self, {c}):
        if len(self._items) >= self.limit:
            raise ValueError("too many {c} items")
        self._items.append({c})
        return {c}

    def __len__(self):
        return len(self._items)
''',
    """def test_{a}_{b}(client, app):
    response = client.get("/{a}/{b}")
    assert response.status_code == 200
    assert b"{c}" in response.data

    with app.app_context():
        {c} = get_{c}()
        assert {c} is not None
""",
    """from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",
        {A}_URL="sqlite:///{a}.db",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    from . import {b}

    app.register_blueprint({b}.bp)
    return app
""",
)

CONSOLE_TEMPLATES = (
    """$ flask --app {a} run --debug
 * Serving Flask app '{a}'
 * Debug mode: on
 * Running on http://127.0.0.1:5000
Press CTRL+C to quit
""",
    """$ python -m pip install {a}-{b}
$ flask --app {a} init-{c}
Initialized the {c}.
""",
    """$ python -m pytest tests/test_{a}.py -q
........                                                        [100%]
8 passed in 0.42s
""",
    """$ export FLASK_{A}_{B}=1
$ flask --app {a} routes
Endpoint     Methods  Rule
-----------  -------  -----------------------
{a}.index    GET      /{a}/
{a}.{b}      GET      /{a}/{b}
static       GET      /static/<path:filename>
""",
)

HTML_TEMPLATES = (
    """{{% extends "base.html" %}}

{{% block title %}}{A} {B}{{% endblock %}}

{{% block content %}}
  <h1>{A} {B}</h1>
  <ul class="{a}-list">
  {{% for {c} in {c}s %}}
    <li><a href="{{{{ url_for('{a}.show', id={c}.id) }}}}">{{{{ {c}.title }}}}</a></li>
  {{% else %}}
    <li>No {c} yet.</li>
  {{% endfor %}}
  </ul>
{{% endblock %}}
""",
    """<form method="post" action="{{{{ url_for('{a}.{b}') }}}}">
  <label for="{c}">{C}</label>
  <input name="{c}" id="{c}" value="{{{{ request.form['{c}'] }}}}" required>
  <input type="submit" value="Save">
</form>
""",
    """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{% block title %}}{{% endblock %}} - {A}</title>
  <link rel="stylesheet" href="{{{{ url_for('static', filename='{b}.css') }}}}">
</head>
<body>
  <nav><a href="{{{{ url_for('index') }}}}">{A}</a></nav>
  {{% for message in get_flashed_messages() %}}
    <div class="flash">{{{{ message }}}}</div>
  {{% endfor %}}
  {{% block content %}}{{% endblock %}}
</body>
</html>
""",
)
