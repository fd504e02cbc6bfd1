"""Device: the lecture's CUDA section — availability, moving tensors, allocating memory, and when a GPU helps."""

import pandas as pd
import streamlit as st

from core.errors import PlaygroundError
from core.lessons import device
from dashboard import state
from dashboard.i18n import _, show_error

MIB = 2**20

st.title(_("Device: CPU and CUDA"))
facts = device.facts()
st.markdown(_("Where tensors live decides where the arithmetic happens. The lecture's checks:"))
st.code(f">>> torch.cuda.is_available()\n{facts['cuda_available']}\n"
        f">>> torch.cuda.device_count()\n{facts['device_count']}", language="python")
if facts["cuda_available"]:
    st.subheader(_("GPUs"))
    st.dataframe(pd.DataFrame([{_("index"): g["index"], _("name"): g["name"],
                                _("memory (GiB)"): round(g["total_bytes"] / 2**30, 1),
                                _("allocated by this process (MiB)"): round(g["allocated_bytes"] / MIB, 1)}
                               for g in facts["gpus"]]), hide_index=True)
else:
    st.info(_("No GPU here: `torch.cuda.is_available()` is False, so everything runs on the CPU. The page shows "
              "the CPU side instead (this server process's memory)."), icon=":material/info:")
    st.markdown(_("This server process uses {mib:,.0f} MiB of memory.", mib=facts["process_bytes"] / MIB))

st.header(_("Moving a tensor"))
st.markdown(_("`a.to(device)` returns a copy on that device (or `a` itself if it is already there)."))
target = facts["default"]
st.code(f'>>> device = torch.device("{"cuda" if facts["cuda_available"] else "cpu"}")\n'
        f">>> a = torch.FloatTensor([[2, 3, 4, 5]])\n>>> a.to(device)\n"
        f"tensor([[2., 3., 4., 5.]]{', device=' + repr(target + ':0') if target == 'cuda' else ''})",
        language="python")

st.header(_("Allocating memory"))
st.markdown(_("The lecture allocates `torch.FloatTensor(1024, 1024, 256)`: 268 million float32 numbers, 1 GiB. "
              "Choose a shape (capped on a shared server), allocate, and watch the memory before, during and after "
              "`del`."))
choices = device.available_devices()
state.seed("dev_shape", "1024, 1024, 64", "shape")
with st.form("alloc"):
    shape_text = st.text_input(_("Shape (sizes separated by commas)"), key="dev_shape")
    where = st.selectbox(_("Device"), choices, index=len(choices) - 1)
    go_alloc = st.form_submit_button(_("Allocate and free"))
state.keep("dev_shape", "shape", default="1024, 1024, 64")
if go_alloc:
    try:
        shape = [int(part) for part in shape_text.replace("x", ",").split(",") if part.strip()]
        r = device.allocation_demo(shape, where)
        st.success(_("{mib:,.0f} MiB on `{device}`: memory {before:,.0f} → {during:,.0f} → {after:,.0f} MiB "
                     "(before → allocated → after `del`).", mib=r["bytes"] / MIB, device=r["device"],
                     before=r["before"] / MIB, during=r["during"] / MIB, after=r["after"] / MIB))
        st.code(f"a = torch.zeros({tuple(r['shape'])}, device='{r['device']}')  # {r['bytes'] / MIB:,.0f} MiB\n"
                "del a" + ("\ntorch.cuda.empty_cache()" if r["device"].startswith("cuda") else ""), language="python")
    except ValueError:
        st.error(_("Type whole numbers separated by commas, e.g. 1024, 1024, 64."))
    except PlaygroundError as err:
        show_error(err)

st.header(_("When does a GPU help?"))
st.markdown(_("One `a @ b` of two n×n matrices on each device. Small work is dominated by overhead (and copying to "
              "the GPU); large work is where a GPU's thousands of cores pay off."))
state.seed("dev_n", 512, "n", lambda t: int(t) if int(t) in (64, 128, 256, 512, 1024, 2048, 4096) else 512)
n = st.select_slider(_("Matrix size n"), options=[64, 128, 256, 512, 1024, 2048, 4096], key="dev_n")
state.keep("dev_n", "n", default=512)
if st.button(_("Time it")):
    st.session_state["dev_timing"] = device.matmul_timing(n)  # kept: moving to another page and back shows it again
rows = st.session_state.get("dev_timing")
if rows:
    st.dataframe(pd.DataFrame([{_("device"): r["device"], _("n"): r["n"],
                                _("milliseconds"): round(r["seconds"] * 1000, 3),
                                _("GFLOP/s"): round(r["gflops"], 1)} for r in rows]), hide_index=True)
    for r in rows:
        if r["capped"]:
            st.caption(_("On {device}, n is capped at {n} on this shared server.", device=r["device"], n=r["n"]))
    if len(rows) == 1:
        st.caption(_("Only the CPU is here, so there is nothing to compare against; on a machine with CUDA this "
                     "table gets a GPU row."))
