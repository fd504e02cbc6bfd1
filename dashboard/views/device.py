"""Device: the lecture's CUDA section — availability, moving tensors, allocating memory, and when a GPU helps."""

import pandas as pd
import streamlit as st

from core.errors import PlaygroundError
from core.lessons import device
from dashboard import state
from dashboard.i18n import t

MIB = 2**20

st.title(t("dev.title"))
facts = device.facts()
st.markdown(t("dev.intro"))
st.code(f">>> torch.cuda.is_available()\n{facts['cuda_available']}\n"
        f">>> torch.cuda.device_count()\n{facts['device_count']}", language="python")
if facts["cuda_available"]:
    st.subheader(t("dev.gpu_table"))
    st.dataframe(pd.DataFrame([{t("dev.col_index"): g["index"], t("dev.col_name"): g["name"],
                                t("dev.col_total"): round(g["total_bytes"] / 2**30, 1),
                                t("dev.col_allocated"): round(g["allocated_bytes"] / MIB, 1)}
                               for g in facts["gpus"]]), hide_index=True)
else:
    st.info(t("dev.no_gpu"), icon=":material/info:")
    st.markdown(t("dev.process_memory", mib=facts["process_bytes"] / MIB))

st.header(t("dev.move"))
st.markdown(t("dev.move_intro"))
target = facts["default"]
st.code(f'>>> device = torch.device("{"cuda" if facts["cuda_available"] else "cpu"}")\n'
        f">>> a = torch.FloatTensor([[2, 3, 4, 5]])\n>>> a.to(device)\n"
        f"tensor([[2., 3., 4., 5.]]{', device=' + repr(target + ':0') if target == 'cuda' else ''})",
        language="python")

st.header(t("dev.alloc"))
st.markdown(t("dev.alloc_intro"))
choices = device.available_devices()
state.seed("dev_shape", "1024, 1024, 64")
with st.form("alloc"):
    shape_text = st.text_input(t("dev.alloc_shape"), key="dev_shape")
    where = st.selectbox(t("dev.alloc_device"), choices, index=len(choices) - 1)
    go_alloc = st.form_submit_button(t("dev.alloc_run"))
state.keep("dev_shape")
if go_alloc:
    try:
        shape = [int(part) for part in shape_text.replace("x", ",").split(",") if part.strip()]
        r = device.allocation_demo(shape, where)
        st.success(t("dev.alloc_result", mib=r["bytes"] / MIB, device=r["device"], before=r["before"] / MIB,
                     during=r["during"] / MIB, after=r["after"] / MIB))
        st.code(f"a = torch.zeros({tuple(r['shape'])}, device='{r['device']}')  # {r['bytes'] / MIB:,.0f} MiB\n"
                "del a" + ("\ntorch.cuda.empty_cache()" if r["device"].startswith("cuda") else ""), language="python")
    except ValueError:
        st.error(t("dev.bad_shape"))
    except PlaygroundError as err:
        state.show_error(err)

st.header(t("dev.timing"))
st.markdown(t("dev.timing_intro"))
state.seed("dev_n", 512)
n = st.select_slider(t("dev.timing_n"), options=[64, 128, 256, 512, 1024, 2048, 4096], key="dev_n")
state.keep("dev_n")
if st.button(t("dev.timing_run")):
    rows = device.matmul_timing(n)
    st.dataframe(pd.DataFrame([{t("dev.col_device"): r["device"], t("dev.col_n"): r["n"],
                                t("dev.col_ms"): round(r["seconds"] * 1000, 3),
                                t("dev.col_gflops"): round(r["gflops"], 1)} for r in rows]), hide_index=True)
    for r in rows:
        if r["capped"]:
            st.caption(t("dev.capped", device=r["device"], n=r["n"]))
    if len(rows) == 1:
        st.caption(t("dev.cpu_only_timing"))
