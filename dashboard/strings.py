"""The app's words: key → {"en": ..., "ko": ...}. Pages never hold user-facing text themselves (tests check both
languages have every key, and that pages only ask for keys that exist)."""

STRINGS = {
    # --- shell -----------------------------------------------------------------------------------------------
    "app.title": {"en": "Torch Playground", "ko": "Torch Playground"},
    "nav.tensors": {"en": "Tensors", "ko": "텐서(Tensor)"},
    "nav.activations": {"en": "Activations", "ko": "활성화 함수"},
    "nav.train": {"en": "Train", "ko": "학습"},
    "nav.predict": {"en": "Predict", "ko": "예측"},
    "nav.device": {"en": "Device", "ko": "장치(Device)"},
    "sidebar.language": {"en": "Language", "ko": "언어 (Language)"},
    "sidebar.seed": {"en": "Seed", "ko": "시드(seed)"},
    "sidebar.seed_help": {"en": "Seeds every random draw on these pages (rand tensors, initial weights, shuffling). "
                                "The same seed gives the same results.",
                          "ko": "이 페이지들의 모든 무작위 값(rand Tensor, 초기 가중치, 섞기)을 정합니다. 같은 시드는 같은 "
                                "결과를 줍니다."},
    "sidebar.device": {"en": "Device", "ko": "장치"},
    "sidebar.cuda_available": {"en": "`torch.cuda.is_available()` → `{value}`",
                               "ko": "`torch.cuda.is_available()` → `{value}`"},
    "sidebar.cuda_count": {"en": "`torch.cuda.device_count()` → `{value}`",
                           "ko": "`torch.cuda.device_count()` → `{value}`"},
    "sidebar.share": {"en": "The address bar holds this view: copy it to share exactly what you see.",
                      "ko": "주소창에 지금 화면이 담겨 있습니다. 복사해서 공유하면 같은 화면이 열립니다."},
    "placeholder.soon": {"en": "This page arrives with its own issue; the engine behind it is ready "
                               "(`python -m core {command} --help`).",
                         "ko": "이 페이지는 곧 추가됩니다. 그 뒤의 엔진은 준비되어 있습니다 "
                               "(`python -m core {command} --help`)."},
    "common.code": {"en": "Code", "ko": "코드"},
    "common.code_caption": {"en": "The PyTorch lines for what is on screen, ready to copy.",
                            "ko": "화면에 보이는 내용을 만드는 PyTorch 코드입니다. 복사해서 쓰세요."},
    "common.error_prefix": {"en": "Could not do that", "ko": "실행할 수 없습니다"},

    # --- tensors ---------------------------------------------------------------------------------------------
    "ten.title": {"en": "Tensor playground", "ko": "텐서(Tensor) 놀이터"},
    "ten.intro": {"en": "Make a tensor `a`, then chain operations on it. After every step you see its values, "
                        "`shape`, strides, whether it is contiguous and whether it shares memory with `a` (a view) or "
                        "is a copy — and what NumPy does with the same step.",
                  "ko": "Tensor `a`를 만들고 연산을 이어 붙여 보세요. 단계마다 값, `shape`, 스트라이드(stride), "
                        "연속(contiguous) 여부, 그리고 `a`와 메모리를 공유하는지(뷰, view) 복사본인지 보여 주고, "
                        "같은 단계를 NumPy가 어떻게 처리하는지도 나란히 보여 줍니다."},
    "ten.presets": {"en": "The lecture's examples", "ko": "강의 예제"},
    "ten.presets_help": {"en": "Load an example: it replaces the tensor and the operations below.",
                         "ko": "예제를 불러옵니다. 아래의 Tensor와 연산을 바꿉니다."},
    "ten.load": {"en": "Load", "ko": "불러오기"},
    "ten.make": {"en": "1. Make a tensor", "ko": "1. Tensor 만들기"},
    "ten.source": {"en": "From", "ko": "만드는 방법"},
    "ten.source.values": {"en": "values (a nested list)", "ko": "값 (중첩 리스트)"},
    "ten.source.arange": {"en": "arange", "ko": "arange"},
    "ten.source.zeros": {"en": "zeros", "ko": "zeros"},
    "ten.source.ones": {"en": "ones", "ko": "ones"},
    "ten.source.rand": {"en": "rand (seeded)", "ko": "rand (시드 고정)"},
    "ten.values": {"en": "Values, as in `torch.FloatTensor([[2, 3, 4, 5]])`",
                   "ko": "값: `torch.FloatTensor([[2, 3, 4, 5]])`처럼 입력"},
    "ten.shape": {"en": "Shape, e.g. 2, 3", "ko": "shape, 예: 2, 3"},
    "ten.dtype": {"en": "dtype", "ko": "dtype"},
    "ten.bad_shape": {"en": "Type the shape as whole numbers separated by commas, e.g. 2, 3.",
                      "ko": "shape을 쉼표로 구분한 정수로 입력하세요. 예: 2, 3"},
    "ten.chain": {"en": "2. Chain operations", "ko": "2. 연산 이어 붙이기"},
    "ten.chain_text": {"en": "Operations on `a` (edit freely)", "ko": "`a`에 적용할 연산 (자유롭게 고치세요)"},
    "ten.chain_help": {"en": "Like the lecture's code: view(2, -1).flatten(). Allowed: {ops}.",
                       "ko": "강의 코드처럼: view(2, -1).flatten(). 쓸 수 있는 연산: {ops}."},
    "ten.add_op": {"en": "Add an operation", "ko": "연산 추가"},
    "ten.add_args": {"en": "Arguments", "ko": "인자"},
    "ten.add": {"en": "Add", "ko": "추가"},
    "ten.clear": {"en": "Clear", "ko": "지우기"},
    "ten.remove": {"en": "Remove", "ko": "빼기"},
    "ten.start": {"en": "The tensor `a`", "ko": "Tensor `a`"},
    "ten.step": {"en": "Step {i}: `{code}`", "ko": "{i}단계: `{code}`"},
    "ten.pytorch": {"en": "PyTorch", "ko": "PyTorch"},
    "ten.numpy": {"en": "NumPy", "ko": "NumPy"},
    "ten.shape_label": {"en": "shape", "ko": "shape"},
    "ten.strides": {"en": "strides", "ko": "스트라이드(stride)"},
    "ten.contiguous": {"en": "contiguous", "ko": "연속(contiguous)"},
    "ten.memory": {"en": "memory", "ko": "메모리"},
    "ten.view": {"en": "shares memory with `a` (a view)", "ko": "`a`와 메모리 공유 (뷰, view)"},
    "ten.copy": {"en": "a copy", "ko": "복사본 (copy)"},
    "ten.yes": {"en": "yes", "ko": "예"},
    "ten.no": {"en": "no", "ko": "아니요"},
    "ten.too_many_values": {"en": "{n:,} values; the first {k}: {preview}",
                            "ko": "값 {n:,}개 중 처음 {k}개: {preview}"},
    "ten.numpy_error": {"en": "NumPy raises: {error}", "ko": "NumPy는 오류를 냅니다: {error}"},
    "ten.numpy_none": {"en": "NumPy stopped at an earlier step, or has no equivalent here.",
                       "ko": "NumPy는 앞 단계에서 멈췄거나, 여기에 대응하는 연산이 없습니다."},
    "ten.differ": {"en": "PyTorch and NumPy differ here", "ko": "여기서 PyTorch와 NumPy가 다르게 동작합니다"},
    "ten.torch_says": {"en": "PyTorch's own message: {message}", "ko": "PyTorch의 원래 메시지: {message}"},
    "ten.value": {"en": "gives the number {value}", "ko": "숫자 {value}을(를) 돌려줍니다"},
    "ten.code_torch": {"en": "PyTorch", "ko": "PyTorch"},
    "ten.code_numpy": {"en": "NumPy", "ko": "NumPy"},
    "ten.empty_chain": {"en": "No operations yet: add one above, or load an example.",
                        "ko": "아직 연산이 없습니다. 위에서 추가하거나 예제를 불러오세요."},

    # --- train -----------------------------------------------------------------------------------------------
    "tr.title": {"en": "Train an MLP regressor", "ko": "MLP 회귀 모델 학습하기"},
    "tr.intro": {"en": "Choose data and settings, press Start, and watch the model learn: the loss (MSE) on the "
                       "training batches and on the held-out test rows, live. Training runs in a separate worker "
                       "process, so this page stays responsive.",
                 "ko": "데이터와 설정을 고르고 시작을 누른 뒤 모델이 배우는 모습을 보세요: 학습 배치와 따로 떼어 둔 "
                       "테스트 행의 손실(loss, MSE)이 실시간으로 그려집니다. 학습은 별도의 작업 프로세스에서 돌아가므로 "
                       "이 페이지는 계속 반응합니다."},
    "tr.data": {"en": "1. Data", "ko": "1. 데이터"},
    "tr.source": {"en": "Data set", "ko": "데이터셋"},
    "tr.source.california": {"en": "California housing (the lecture's)", "ko": "캘리포니아 주택 (강의 데이터)"},
    "tr.source.diabetes": {"en": "Diabetes (bundled, offline)", "ko": "당뇨병 (내장, 오프라인)"},
    "tr.source.csv": {"en": "Your CSV", "ko": "내 CSV 파일"},
    "tr.california_unavailable": {"en": "The California housing data is not cached here and cannot be downloaded "
                                        "(no network), so the bundled diabetes data is selected instead. Connect "
                                        "once and scikit-learn downloads and caches it (about 400 kB).",
                                  "ko": "캘리포니아 주택 데이터가 여기에 저장되어 있지 않고 내려받을 수도 없어서(네트워크 "
                                        "없음) 내장된 당뇨병 데이터를 대신 골랐습니다. 한 번 연결하면 scikit-learn이 "
                                        "내려받아 저장합니다 (약 400 kB)."},
    "tr.upload": {"en": "Upload a CSV (comma or semicolon separated; UTF-8 or CP949)",
                  "ko": "CSV 업로드 (쉼표 또는 세미콜론 구분, UTF-8 또는 CP949)"},
    "tr.upload_help": {"en": "Up to 50 MB, 500,000 rows and 200 columns. Numeric columns become features; text "
                             "columns with at most 20 distinct values are one-hot encoded.",
                       "ko": "최대 50 MB, 50만 행, 200열. 숫자 열은 특성(feature)이 되고, 서로 다른 값이 20개 이하인 "
                             "텍스트 열은 원-핫 인코딩됩니다."},
    "tr.upload_first": {"en": "Upload a CSV file to see its preview and choose the column to predict.",
                        "ko": "CSV 파일을 올리면 미리 보기가 나오고 예측할 열을 고를 수 있습니다."},
    "tr.target": {"en": "Target: the column to predict", "ko": "타깃(target): 예측할 열"},
    "tr.target_help": {"en": "A numeric column. Every other usable column becomes a feature.",
                       "ko": "숫자 열이어야 합니다. 나머지 쓸 수 있는 열은 모두 특성이 됩니다."},
    "tr.data_summary": {"en": "{rows:,} rows used: {train:,} for training (X_train, y_train), {test:,} held out for "
                              "testing (X_test, y_test); {features} features; predicting {target}.",
                        "ko": "{rows:,}개 행 사용: 학습용 {train:,}개 (X_train, y_train), 테스트용 {test:,}개 "
                              "(X_test, y_test); 특성 {features}개; 예측 대상 {target}."},
    "tr.columns": {"en": "Columns used, encoded and dropped", "ko": "사용·인코딩·제외된 열"},
    "tr.columns_used": {"en": "Numeric features: {columns}", "ko": "숫자 특성: {columns}"},
    "tr.column_encoded": {"en": "**{column}**: text, one-hot encoded ({categories})",
                          "ko": "**{column}**: 텍스트, 원-핫 인코딩 ({categories})"},
    "tr.drop.all_missing": {"en": "**{column}** dropped: all values are missing",
                            "ko": "**{column}** 제외: 모든 값이 비어 있습니다"},
    "tr.drop.constant": {"en": "**{column}** dropped: the same value in every row carries no information",
                         "ko": "**{column}** 제외: 모든 행의 값이 같아서 정보가 없습니다"},
    "tr.drop.too_many_categories": {"en": "**{column}** dropped: text with {distinct} distinct values, too many to "
                                          "one-hot encode (at most 20)",
                                    "ko": "**{column}** 제외: 서로 다른 텍스트 값이 {distinct}개로, 원-핫 인코딩하기에 "
                                          "너무 많습니다 (최대 20개)"},
    "tr.rows_dropped": {"en": "{n:,} rows without a target value were dropped.",
                        "ko": "타깃 값이 없는 행 {n:,}개를 제외했습니다."},
    "tr.imputed": {"en": "{n:,} empty feature cells were filled from the training split (median, or most frequent "
                         "text).",
                   "ko": "비어 있는 특성 칸 {n:,}개를 학습 데이터의 값(중앙값, 텍스트는 가장 많은 값)으로 "
                         "채웠습니다."},
    "tr.settings": {"en": "2. Model and training", "ko": "2. 모델과 학습 설정"},
    "tr.hidden": {"en": "Hidden layers", "ko": "은닉층(hidden layer)"},
    "tr.hidden_help": {"en": "Sizes separated by commas: 128, 128 is two nn.Linear layers of 128 units.",
                       "ko": "쉼표로 구분한 크기: 128, 128은 128개 유닛의 nn.Linear 계층 두 개입니다."},
    "tr.activation": {"en": "Activation", "ko": "활성화 함수"},
    "tr.activation_help": {"en": "Applied after every hidden layer; ReLU is the lecture's.",
                           "ko": "은닉층마다 뒤에 적용됩니다. 강의는 ReLU를 씁니다."},
    "tr.dropout": {"en": "Dropout", "ko": "드롭아웃(dropout)"},
    "tr.dropout_help": {"en": "Share of hidden units zeroed at random while training; fights overfitting.",
                        "ko": "학습 중 무작위로 0으로 만드는 은닉 유닛의 비율입니다. 과적합을 줄입니다."},
    "tr.optimizer": {"en": "Optimizer", "ko": "옵티마이저(optimizer)"},
    "tr.optimizer_help": {"en": "Adam (the lecture's) adapts each weight's step; SGD uses momentum 0.9.",
                          "ko": "Adam(강의에서 사용)은 가중치마다 보폭을 조절하고, SGD는 모멘텀 0.9를 씁니다."},
    "tr.lr": {"en": "Learning rate", "ko": "학습률(learning rate)"},
    "tr.lr_help": {"en": "How far each step moves the weights. 0.001 is the lecture's; 10 makes the loss explode.",
                   "ko": "한 번의 단계에서 가중치를 얼마나 움직일지 정합니다. 강의는 0.001이고, 10이면 손실이 "
                         "폭발합니다."},
    "tr.batch_size": {"en": "Batch size", "ko": "배치 크기(batch size)"},
    "tr.batch_size_help": {"en": "Rows per mini-batch: one zero_grad/backward/step each. The lecture uses 20.",
                           "ko": "미니배치 하나의 행 수입니다. 배치마다 zero_grad/backward/step을 한 번 합니다. 강의는 "
                                 "20입니다."},
    "tr.epochs": {"en": "Epochs", "ko": "에폭(epoch)"},
    "tr.epochs_help": {"en": "Passes over X_train, reshuffled each time.", "ko": "X_train 전체를 한 번 도는 횟수입니다. "
                                                                            "매번 다시 섞습니다."},
    "tr.device": {"en": "Device", "ko": "장치"},
    "tr.device_help": {"en": "auto picks CUDA when present, else the CPU.",
                       "ko": "auto는 CUDA가 있으면 CUDA를, 없으면 CPU를 고릅니다."},
    "tr.report_every": {"en": "Plot every N batches", "ko": "N 배치마다 그리기"},
    "tr.report_every_help": {"en": "How often the training loss is sent to the chart (and a Stop is noticed).",
                             "ko": "학습 손실을 그래프에 보내는 간격입니다 (중지도 이 간격으로 확인합니다)."},
    "tr.start": {"en": "Start training", "ko": "학습 시작"},
    "tr.live": {"en": "3. Training", "ko": "3. 학습 진행"},
    "tr.no_run": {"en": "No run yet: choose your settings and press Start.",
                  "ko": "아직 실행한 학습이 없습니다. 설정을 고르고 시작을 누르세요."},
    "tr.stop": {"en": "Stop", "ko": "중지"},
    "tr.queued": {"en": "Waiting for a free slot ({ahead} ahead). Every worker is training someone's model.",
                  "ko": "빈 자리를 기다리는 중입니다 (앞에 {ahead}개). 모든 작업 프로세스가 누군가의 모델을 학습하고 "
                        "있습니다."},
    "tr.progress": {"en": "Epoch {epoch} of {epochs} · {speed} samples/s · about {left} s left",
                    "ko": "에폭 {epoch} / {epochs} · 초당 {speed} 샘플 · 약 {left}초 남음"},
    "tr.state.finished": {"en": "Finished: {epochs} epochs.", "ko": "완료: 에폭 {epochs}번."},
    "tr.state.stopped": {"en": "Stopped after {epochs} full epochs; the weights learned so far are kept.",
                         "ko": "에폭 {epochs}번 후 중지했습니다. 지금까지 배운 가중치는 남아 있습니다."},
    "tr.state.abandoned": {"en": "Stopped because the page was closed.", "ko": "페이지가 닫혀서 중지했습니다."},
    "tr.state_short.queued": {"en": "waiting", "ko": "대기"},
    "tr.state_short.running": {"en": "running", "ko": "학습 중"},
    "tr.state_short.finished": {"en": "finished", "ko": "완료"},
    "tr.state_short.stopped": {"en": "stopped", "ko": "중지"},
    "tr.state_short.abandoned": {"en": "closed", "ko": "닫힘"},
    "tr.state_short.error": {"en": "failed", "ko": "실패"},
    "tr.test_mae": {"en": "Test MAE", "ko": "테스트 MAE"},
    "tr.train_loss": {"en": "Training loss (MSE)", "ko": "학습 손실 (MSE)"},
    "tr.epoch": {"en": "Epoch", "ko": "에폭"},
    "tr.loss_axis": {"en": "loss (MSE, target units²)", "ko": "손실 (MSE, 타깃 단위²)"},
    "tr.curve_batch": {"en": "training loss (every N batches)", "ko": "학습 손실 (N 배치마다)"},
    "tr.curve_train": {"en": "training loss (epoch)", "ko": "학습 손실 (에폭)"},
    "tr.curve_test": {"en": "test MSE", "ko": "테스트 MSE"},
    "tr.chart_title": {"en": "Loss", "ko": "손실(loss)"},
    "tr.log_scale": {"en": "Log scale", "ko": "로그 눈금"},
    "tr.show_batches": {"en": "Every N batches", "ko": "N 배치마다 보기"},
    "tr.smoothing": {"en": "Smoothing", "ko": "부드럽게(smoothing)"},
    "tr.smoothing_help": {"en": "An exponential moving average, as in TensorBoard: 0 shows the raw values.",
                          "ko": "TensorBoard처럼 지수 이동 평균을 씁니다. 0이면 원래 값을 보여 줍니다."},
    "tr.results": {"en": "4. Results", "ko": "4. 결과"},
    "tr.model": {"en": "model", "ko": "모델"},
    "tr.mlp": {"en": "your MLP", "ko": "내 MLP"},
    "tr.baseline.mean": {"en": "predict the mean", "ko": "평균으로 예측"},
    "tr.baseline.linear": {"en": "linear regression", "ko": "선형 회귀"},
    "tr.baseline.hgb": {"en": "gradient boosting (HistGradientBoosting)", "ko": "그래디언트 부스팅 (HistGradientBoosting)"},
    "tr.mae_dollars": {"en": "MAE in dollars", "ko": "MAE (달러)"},
    "tr.results_caption": {"en": "Test-set errors in {target}'s units ({units}); baselines fitted on the same split.",
                           "ko": "테스트 데이터의 오차, {target}의 단위 ({units}). 기준 모델은 같은 분할로 학습했습니다."},
    "tr.scatter_title": {"en": "Predicted vs actual (test rows)", "ko": "예측값과 실제값 (테스트 행)"},
    "tr.actual": {"en": "actual", "ko": "실제값"},
    "tr.predicted": {"en": "predicted", "ko": "예측값"},
    "tr.test_rows": {"en": "test rows", "ko": "테스트 행"},
    "tr.perfect": {"en": "perfect prediction", "ko": "완벽한 예측"},
    "tr.residuals_title": {"en": "Residuals (predicted − actual)", "ko": "잔차 (예측값 − 실제값)"},
    "tr.residual": {"en": "residual", "ko": "잔차"},
    "tr.count": {"en": "rows", "ko": "행 수"},
    "tr.save": {"en": "Save the model", "ko": "모델 저장하기"},
    "tr.checkpoint_name": {"en": "Checkpoint name", "ko": "체크포인트 이름"},
    "tr.save_button": {"en": "Save", "ko": "저장"},
    "tr.saved": {"en": "Saved as {name}: it is now on the Predict page.",
                 "ko": "{name}(으)로 저장했습니다. 이제 예측 페이지에 보입니다."},
    "tr.download": {"en": "Download .pt", "ko": ".pt 내려받기"},
    "tr.compare": {"en": "Compare runs", "ko": "학습 비교"},
    "tr.compare_title": {"en": "This session's runs", "ko": "이번 세션의 학습들"},
    "tr.run": {"en": "run", "ko": "학습"},
    "tr.state": {"en": "state", "ko": "상태"},
    "tr.code": {"en": "The code: the same training as a plain PyTorch script",
                "ko": "코드: 같은 학습을 평범한 PyTorch 스크립트로"},
    "tr.code_caption": {"en": "Runnable as it stands: data loading and scaling, the model class with __init__ and "
                              "forward, the loop with shuffling and mini-batches, evaluation, and saving the "
                              "state_dict.",
                        "ko": "그대로 실행할 수 있습니다: 데이터 불러오기와 정규화, __init__과 forward가 있는 모델 "
                              "클래스, 섞기와 미니배치가 있는 반복문, 평가, state_dict 저장."},

    # --- the microscope (Train page) -------------------------------------------------------------------------
    "mic.title": {"en": "One training step under a microscope", "ko": "학습 한 단계를 현미경으로"},
    "mic.intro": {"en": "Walk one mini-batch through one step: forward → loss → `loss.backward()` (the gradients "
                        "appear) → `optimizer.step()` (the weights move) → `optimizer.zero_grad()` (the gradients are "
                        "cleared). A small model (16, 8) keeps the numbers readable; the data and optimizer settings "
                        "are the ones above.",
                  "ko": "미니배치 하나를 한 단계에 통과시켜 봅니다: 순전파(forward) → 손실 → `loss.backward()`"
                        "(변화도가 생김) → `optimizer.step()`(가중치가 움직임) → `optimizer.zero_grad()`(변화도를 "
                        "지움). 숫자를 읽기 쉽도록 작은 모델(16, 8)을 쓰고, 데이터와 옵티마이저 설정은 위와 같습니다."},
    "mic.vocabulary": {"en": "`X_train` {X_train}, `y_train` {y_train} for learning; `X_test` {X_test}, `y_test` "
                             "{y_test} held out. With batch size {batch}, one epoch (one pass over the {n} rows of "
                             "`X_train`) is {batches} steps.",
                       "ko": "학습용 `X_train` {X_train}, `y_train` {y_train}; 따로 떼어 둔 `X_test` {X_test}, "
                             "`y_test` {y_test}. 배치 크기가 {batch}이면 에폭 하나(`X_train`의 {n}개 행을 한 번 도는 "
                             "것)는 {batches}단계입니다."},
    "mic.zero_grad": {"en": "Call optimizer.zero_grad() after each step", "ko": "단계마다 optimizer.zero_grad() 호출"},
    "mic.zero_grad_help": {"en": "Switch it off and watch .grad pile up: backward adds to what is already there.",
                           "ko": "끄면 .grad가 쌓이는 것을 볼 수 있습니다: backward는 이미 있는 값에 더합니다."},
    "mic.step": {"en": "Take one step", "ko": "한 단계 진행"},
    "mic.reset": {"en": "Reset", "ko": "처음부터"},
    "mic.first_step": {"en": "Press “Take one step”.", "ko": "“한 단계 진행”을 누르세요."},
    "mic.step_title": {"en": "Step {step}: epoch {epoch}, mini-batch {batch} of {batches}",
                       "ko": "{step}단계: 에폭 {epoch}, 미니배치 {batch} / {batches}"},
    "mic.forward": {"en": "**Forward**: `model(xb)` maps the batch {shape} to predictions {out}. The first rows:",
                    "ko": "**순전파(forward)**: `model(xb)`가 배치 {shape}를 예측값 {out}으로 바꿉니다. 처음 몇 행:"},
    "mic.prediction": {"en": "prediction", "ko": "예측값"},
    "mic.actual": {"en": "actual", "ko": "실제값"},
    "mic.loss": {"en": "**Loss**: MSE {value:.4f} on the standardised target ({units:.4g} in the target's units²).",
                 "ko": "**손실(loss)**: 표준화한 타깃에서 MSE {value:.4f} (타깃 단위²로 {units:.4g})."},
    "mic.backward": {"en": "**Backward**: every parameter now has a `.grad` (all together: norm {total:.4g}).",
                     "ko": "**역전파(backward)**: 이제 모든 매개변수에 `.grad`가 있습니다 (전체 노름 {total:.4g})."},
    "mic.backward_accumulated": {"en": "**Backward, accumulated**: `zero_grad()` was skipped, so `.grad` holds this "
                                       "batch's gradient (norm {own:.4g}) plus the earlier ones: norm {total:.4g}.",
                                 "ko": "**역전파, 누적됨**: `zero_grad()`를 건너뛰어서 `.grad`에는 이번 배치의 변화도"
                                       "(노름 {own:.4g})에 이전 것들이 더해져 있습니다: 노름 {total:.4g}."},
    "mic.param": {"en": "parameter", "ko": "매개변수"},
    "mic.grad_norm": {"en": ".grad norm", "ko": ".grad 노름"},
    "mic.own_norm": {"en": "this batch's own", "ko": "이번 배치만"},
    "mic.first_values": {"en": "first values of .grad", "ko": ".grad의 처음 값들"},
    "mic.update": {"en": "**Step**: `optimizer.step()` ({optimizer}, learning rate {lr:g}) moved the weights by {total:.4g} "
                         "in all.",
                   "ko": "**step**: `optimizer.step()` ({optimizer}, 학습률 {lr:g})이 가중치를 모두 합쳐 {total:.4g}만큼 "
                         "움직였습니다."},
    "mic.update_norm": {"en": "change (norm)", "ko": "변화량 (노름)"},
    "mic.max_change": {"en": "largest change", "ko": "가장 큰 변화"},
    "mic.weight_norm": {"en": "weight norm", "ko": "가중치 노름"},
    "mic.cleared": {"en": "**zero_grad**: the gradients are cleared; the next backward starts from nothing.",
                    "ko": "**zero_grad**: 변화도를 지웠습니다. 다음 backward는 빈 상태에서 시작합니다."},
    "mic.kept": {"en": "**zero_grad skipped**: `.grad` keeps a norm of {norm:.4g}; the next backward adds to it. "
                       "This is why the training loop calls `zero_grad()` every step.",
                 "ko": "**zero_grad 건너뜀**: `.grad`에 노름 {norm:.4g}가 남아 있고 다음 backward가 여기에 더합니다. "
                       "그래서 학습 반복문은 단계마다 `zero_grad()`를 호출합니다."},
    "mic.grad_in_grad": {"en": "norm of .grad", "ko": ".grad 노름"},
    "mic.grad_own": {"en": "norm of each batch's own gradient", "ko": "각 배치 자신의 변화도 노름"},
    "mic.chart_title": {"en": "Gradients step by step", "ko": "단계별 변화도"},
    "mic.step_axis": {"en": "step", "ko": "단계"},

    # --- predict ---------------------------------------------------------------------------------------------
    "pr.title": {"en": "Predict with a saved model", "ko": "저장한 모델로 예측하기"},
    "pr.intro": {"en": "Pick a checkpoint — yours from the Train page, or one your instructor trained before class — "
                       "then try one row, or score a whole CSV.",
                 "ko": "체크포인트를 고르세요 — 학습 페이지에서 저장한 내 것, 또는 강사가 수업 전에 학습해 둔 것 — "
                       "그리고 한 행을 예측하거나 CSV 전체를 예측해 보세요."},
    "pr.checkpoints": {"en": "1. Checkpoints", "ko": "1. 체크포인트"},
    "pr.upload": {"en": "Upload a checkpoint (.pt) from another machine", "ko": "다른 컴퓨터의 체크포인트(.pt) 올리기"},
    "pr.upload_help": {"en": "Only Torch Playground checkpoints are accepted. The file is read with "
                             "weights_only=True: nothing in it can run.",
                       "ko": "Torch Playground 체크포인트만 받습니다. 파일은 weights_only=True로 읽으므로 그 안의 "
                             "어떤 것도 실행되지 않습니다."},
    "pr.upload_ok": {"en": "Added as {name}.", "ko": "{name}(으)로 추가했습니다."},
    "pr.none": {"en": "No checkpoints yet. Train a model and save it on the Train page, or upload one above.",
                "ko": "아직 체크포인트가 없습니다. 학습 페이지에서 모델을 학습하고 저장하거나, 위에서 올리세요."},
    "pr.col_name": {"en": "name", "ko": "이름"},
    "pr.col_owner": {"en": "whose", "ko": "소유"},
    "pr.mine": {"en": "mine", "ko": "내 것"},
    "pr.shared": {"en": "shared", "ko": "공유"},
    "pr.col_data": {"en": "data", "ko": "데이터"},
    "pr.col_target": {"en": "target", "ko": "타깃"},
    "pr.col_features": {"en": "features", "ko": "특성 수"},
    "pr.col_created": {"en": "created (UTC)", "ko": "만든 때 (UTC)"},
    "pr.col_size": {"en": "size", "ko": "크기"},
    "pr.unreadable": {"en": "{n} file(s) in the folder cannot be used", "ko": "폴더의 파일 {n}개는 쓸 수 없습니다"},
    "pr.choose": {"en": "Checkpoint", "ko": "체크포인트"},
    "pr.download": {"en": "Download this checkpoint", "ko": "이 체크포인트 내려받기"},
    "pr.delete": {"en": "Delete this checkpoint", "ko": "이 체크포인트 지우기"},
    "pr.one": {"en": "2. Predict one row", "ko": "2. 한 행 예측하기"},
    "pr.one_caption": {"en": "Every field starts at the training median, with its unit and the range seen in training.",
                       "ko": "모든 칸은 학습 데이터의 중앙값에서 시작하며, 단위와 학습 때 본 범위를 함께 보여 줍니다."},
    "pr.range": {"en": "Training range: {lo:,.4g} to {hi:,.4g}", "ko": "학습 범위: {lo:,.4g} ~ {hi:,.4g}"},
    "pr.predict": {"en": "Predict", "ko": "예측"},
    "pr.answer": {"en": "Predicted {target}", "ko": "예측한 {target}"},
    "pr.typically": {"en": "On the test rows this model was typically off by about **{mae}** (its test MAE).",
                     "ko": "이 모델은 테스트 행에서 보통 **{mae}** 정도 틀렸습니다 (테스트 MAE)."},
    "pr.out_of_range": {"en": "{column} = {value:,.4g} is outside the training range ({lo:,.4g} to {hi:,.4g}): the "
                              "model never saw such values, so treat this prediction with care.",
                        "ko": "{column} = {value:,.4g}은(는) 학습 범위({lo:,.4g} ~ {hi:,.4g}) 밖입니다. 모델이 본 적 없는 "
                              "값이므로 이 예측은 조심해서 보세요."},
    "pr.batch": {"en": "3. Score a CSV", "ko": "3. CSV 전체 예측하기"},
    "pr.batch_caption": {"en": "The file needs these columns (others are kept and ignored): {columns}.",
                         "ko": "파일에 다음 열이 있어야 합니다 (다른 열은 그대로 두고 무시합니다): {columns}."},
    "pr.batch_upload": {"en": "CSV of feature rows", "ko": "특성 행이 담긴 CSV"},
    "pr.scored": {"en": "Predicted {n:,} of {total:,} rows.", "ko": "{total:,}개 행 중 {n:,}개를 예측했습니다."},
    "pr.bad_rows": {"en": "{n:,} row(s) could not be predicted; they stay in the file with an empty prediction and "
                          "a note. The problems, by line of the file:",
                    "ko": "{n:,}개 행은 예측할 수 없었습니다. 파일에는 빈 예측값과 메모와 함께 남아 있습니다. 파일의 "
                          "줄 번호별 문제:"},
    "pr.rows_out_of_range": {"en": "{n:,} row(s) have values outside the training range (see the note column).",
                             "ko": "{n:,}개 행에 학습 범위 밖의 값이 있습니다 (메모 열을 보세요)."},
    "pr.line": {"en": "line", "ko": "줄"},
    "pr.column": {"en": "column", "ko": "열"},
    "pr.value": {"en": "value", "ko": "값"},
    "pr.problem": {"en": "problem", "ko": "문제"},
    "pr.row.not_a_number": {"en": "{column}={value} is not a number", "ko": "{column}={value}은(는) 숫자가 아닙니다"},
    "pr.row.infinite": {"en": "{column}={value} is infinite", "ko": "{column}={value}은(는) 무한대입니다"},
    "pr.row.unseen_category": {"en": "{column}={value} was not seen in training",
                               "ko": "{column}={value}은(는) 학습 때 없던 값입니다"},
    "pr.row.overflow": {"en": "{column}={value} is too far outside the training range to compute a prediction",
                        "ko": "{column}={value}은(는) 학습 범위에서 너무 멀어 예측을 계산할 수 없습니다"},
    "pr.row.out_of_range": {"en": "{column} outside training range", "ko": "{column}이(가) 학습 범위 밖"},
    "pr.download_csv": {"en": "Download the CSV with predictions", "ko": "예측값이 들어간 CSV 내려받기"},
    "pr.code_caption": {"en": "The lecture's loading pattern: build the model class from the saved config, "
                              "load_state_dict, eval(), then predict under torch.no_grad().",
                        "ko": "강의의 불러오기 방식: 저장한 설정으로 모델 클래스를 만들고 load_state_dict, eval() 후 "
                              "torch.no_grad() 안에서 예측합니다."},

    # --- units of the built-in data sets (core/data.py) ------------------------------------------------------
    "unit.years": {"en": "years", "ko": "년"},
    "unit.1 or 2": {"en": "1 or 2", "ko": "1 또는 2"},
    "unit.ratio": {"en": "ratio", "ko": "비율"},
    "unit.score": {"en": "score", "ko": "점"},
    "unit.people": {"en": "people", "ko": "명"},
    "unit.people/household": {"en": "people/household", "ko": "가구당 인원"},
    "unit.rooms/household": {"en": "rooms/household", "ko": "가구당 방 수"},
    "unit.bedrooms/household": {"en": "bedrooms/household", "ko": "가구당 침실 수"},
    "unit.°N": {"en": "°N", "ko": "북위 °"},
    "unit.°E": {"en": "°E", "ko": "동경 °"},

    # --- activations -----------------------------------------------------------------------------------------
    "act.title": {"en": "Activation functions", "ko": "활성화 함수(activation function)"},
    "act.intro": {"en": "An activation makes a network more than a stack of linear maps. Pick some, see their "
                        "shapes and their derivatives (computed by autograd: `y.sum().backward()`, then `x.grad`).",
                  "ko": "활성화 함수가 있어야 신경망이 선형 변환을 쌓은 것 이상이 됩니다. 함수를 골라 모양과 "
                        "도함수를 보세요 (autograd로 계산: `y.sum().backward()` 후 `x.grad`)."},
    "act.choose": {"en": "Activations", "ko": "활성화 함수"},
    "act.range": {"en": "Range of x", "ko": "x 범위"},
    "act.show_derivative": {"en": "Show derivatives (dashed)", "ko": "도함수 보기 (점선)"},
    "act.chart_title": {"en": "f(x) and f′(x)", "ko": "f(x)와 f′(x)"},
    "act.derivative": {"en": "derivative", "ko": "도함수"},
    "act.formulas": {"en": "Formulas", "ko": "수식"},
    "act.none": {"en": "Choose at least one activation to draw.", "ko": "그릴 활성화 함수를 하나 이상 고르세요."},
    "act.softmax": {"en": "Softmax with a temperature", "ko": "온도(temperature)가 있는 소프트맥스(softmax)"},
    "act.softmax_intro": {"en": "`torch.softmax(logits / T, dim=0)` turns scores into probabilities that sum to 1. "
                                "A high temperature T flattens them; a low one picks a winner.",
                          "ko": "`torch.softmax(logits / T, dim=0)`는 점수를 합이 1인 확률로 바꿉니다. 온도 T가 높으면 "
                                "고르게, 낮으면 가장 큰 값 하나로 쏠립니다."},
    "act.logits": {"en": "Scores (logits), separated by commas", "ko": "점수(logits), 쉼표로 구분"},
    "act.temperature": {"en": "Temperature T", "ko": "온도 T"},
    "act.probability": {"en": "probability", "ko": "확률"},
    "act.bad_numbers": {"en": "Type numbers separated by commas, e.g. 1, 2, 3.",
                        "ko": "쉼표로 구분한 숫자를 입력하세요. 예: 1, 2, 3"},
    "act.linear": {"en": "The lecture's `nn.Linear(4, 1)`", "ko": "강의의 `nn.Linear(4, 1)`"},
    "act.linear_intro": {"en": "A linear layer computes `x @ weight.T + bias`. Here it is applied to "
                               "`x = [0, 1, 1, 1]` with seeded weights (change them), then through an activation.",
                         "ko": "선형 계층은 `x @ weight.T + bias`를 계산합니다. 여기서는 시드로 정한 가중치(weight)"
                               "(바꿔 보세요)로 `x = [0, 1, 1, 1]`에 적용한 뒤 활성화 함수를 통과시킵니다."},
    "act.weight": {"en": "weight[0, {i}]", "ko": "가중치 weight[0, {i}]"},
    "act.bias": {"en": "bias", "ko": "편향 bias"},
    "act.lab_activation": {"en": "Then apply", "ko": "다음에 적용할 함수"},
    "act.output": {"en": "Output of the layer", "ko": "계층의 출력"},
    "act.activated": {"en": "After the activation", "ko": "활성화 함수 통과 후"},
    "act.grad_fn": {"en": "`grad_fn` records how the output was made, so `backward()` can find the gradients: "
                          "`{grad_fn}`.",
                    "ko": "`grad_fn`은 출력이 어떻게 만들어졌는지 기록해서 `backward()`가 변화도(gradient)를 찾을 수 "
                          "있게 합니다: `{grad_fn}`."},
    "act.deprecated": {"en": "`F.sigmoid` and `F.tanh` are deprecated: use `torch.sigmoid` and `torch.tanh`.",
                       "ko": "`F.sigmoid`와 `F.tanh`는 더 이상 권장되지 않습니다(deprecated). `torch.sigmoid`와 "
                             "`torch.tanh`를 쓰세요."},
    "act.reset": {"en": "Reset to the seeded weights", "ko": "시드 가중치로 되돌리기"},

    # --- device ----------------------------------------------------------------------------------------------
    "dev.title": {"en": "Device: CPU and CUDA", "ko": "장치(Device): CPU와 CUDA"},
    "dev.intro": {"en": "Where tensors live decides where the arithmetic happens. The lecture's checks:",
                  "ko": "Tensor가 어디에 있느냐가 계산이 어디서 일어나는지를 정합니다. 강의의 확인 코드:"},
    "dev.no_gpu": {"en": "No GPU here: `torch.cuda.is_available()` is False, so everything runs on the CPU. "
                         "The page shows the CPU side instead (this server process's memory).",
                   "ko": "여기에는 GPU가 없습니다: `torch.cuda.is_available()`가 False이므로 모든 계산이 CPU에서 "
                         "실행됩니다. 대신 CPU 쪽(이 서버 프로세스의 메모리)을 보여 줍니다."},
    "dev.gpu_table": {"en": "GPUs", "ko": "GPU 목록"},
    "dev.col_index": {"en": "index", "ko": "번호"},
    "dev.col_name": {"en": "name", "ko": "이름"},
    "dev.col_total": {"en": "memory (GiB)", "ko": "메모리 (GiB)"},
    "dev.col_allocated": {"en": "allocated by this process (MiB)", "ko": "이 프로세스가 할당 (MiB)"},
    "dev.process_memory": {"en": "This server process uses {mib:,.0f} MiB of memory.",
                           "ko": "이 서버 프로세스는 메모리 {mib:,.0f} MiB를 쓰고 있습니다."},
    "dev.move": {"en": "Moving a tensor", "ko": "Tensor 옮기기"},
    "dev.move_intro": {"en": "`a.to(device)` returns a copy on that device (or `a` itself if it is already there).",
                       "ko": "`a.to(device)`는 그 장치에 있는 복사본을 돌려줍니다 (이미 거기 있으면 `a` 자신)."},
    "dev.alloc": {"en": "Allocating memory", "ko": "메모리 할당하기"},
    "dev.alloc_intro": {"en": "The lecture allocates `torch.FloatTensor(1024, 1024, 256)`: 268 million float32 "
                              "numbers, 1 GiB. Choose a shape (capped on a shared server), allocate, and watch the "
                              "memory before, during and after `del`.",
                        "ko": "강의는 `torch.FloatTensor(1024, 1024, 256)`을 할당합니다: float32 숫자 2억 6천8백만 "
                              "개, 1 GiB입니다. shape을 고르고(공유 서버라 상한이 있습니다) 할당한 뒤, `del` 전후의 "
                              "메모리를 보세요."},
    "dev.alloc_shape": {"en": "Shape (sizes separated by commas)", "ko": "shape (쉼표로 구분한 크기)"},
    "dev.alloc_device": {"en": "Device", "ko": "장치"},
    "dev.alloc_run": {"en": "Allocate and free", "ko": "할당 후 해제"},
    "dev.alloc_result": {"en": "{mib:,.0f} MiB on `{device}`: memory {before:,.0f} → {during:,.0f} → {after:,.0f} MiB "
                               "(before → allocated → after `del`).",
                         "ko": "`{device}`에 {mib:,.0f} MiB: 메모리 {before:,.0f} → {during:,.0f} → {after:,.0f} MiB "
                               "(할당 전 → 할당 후 → `del` 후)."},
    "dev.bad_shape": {"en": "Type whole numbers separated by commas, e.g. 1024, 1024, 64.",
                      "ko": "쉼표로 구분한 정수를 입력하세요. 예: 1024, 1024, 64"},
    "dev.timing": {"en": "When does a GPU help?", "ko": "GPU는 언제 도움이 될까?"},
    "dev.timing_intro": {"en": "One `a @ b` of two n×n matrices on each device. Small work is dominated by "
                               "overhead (and copying to the GPU); large work is where a GPU's thousands of cores "
                               "pay off.",
                         "ko": "각 장치에서 n×n 행렬 두 개의 `a @ b`를 한 번 계산합니다. 작은 계산은 부가 비용(과 GPU로 "
                               "복사하는 시간)이 대부분이고, 큰 계산에서 GPU의 수천 개 코어가 힘을 냅니다."},
    "dev.timing_n": {"en": "Matrix size n", "ko": "행렬 크기 n"},
    "dev.timing_run": {"en": "Time it", "ko": "시간 재기"},
    "dev.col_device": {"en": "device", "ko": "장치"},
    "dev.col_n": {"en": "n", "ko": "n"},
    "dev.col_ms": {"en": "milliseconds", "ko": "밀리초"},
    "dev.col_gflops": {"en": "GFLOP/s", "ko": "GFLOP/s"},
    "dev.capped": {"en": "On {device}, n is capped at {n} on this shared server.",
                   "ko": "{device}에서는 공유 서버라 n을 {n}으로 제한합니다."},
    "dev.cpu_only_timing": {"en": "Only the CPU is here, so there is nothing to compare against; on a machine with "
                                  "CUDA this table gets a GPU row.",
                            "ko": "여기에는 CPU만 있어서 비교할 대상이 없습니다. CUDA가 있는 컴퓨터에서는 이 표에 "
                                  "GPU 줄이 생깁니다."},
}
