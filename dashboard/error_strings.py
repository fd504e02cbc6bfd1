"""Korean for core's error messages, by code. English comes from core itself (the sentence in the exception);
``params`` are the ones core passes with the code.

``ERRORS[code]["ko"].format(**err.params)`` must work for every place in ``core`` that raises ``code``: a template
names only params that every such place passes (tests/test_error_strings.py checks this by reading core's source, and
by raising the errors). Params are rendered as they are: a list param shows as a Python list.

``DISAGREEMENTS`` is the same for the notes where PyTorch and NumPy behave differently in the tensor playground
(``Step.disagree_code`` and ``Step.disagree_params`` in core/tensors.py).

Words follow the PyTorch Korea tutorials: 손실, 학습률, 에폭, 가중치, 배치, 차원, 특성, 타깃 열, 체크포인트, 연속(contiguous);
``Tensor``, ``shape``, ``dtype``, ``view``, ``reshape``, code, file and encoding names stay as they are.
"""

# The sentence every refused checkpoint ends with (core/checkpoint.py, _refuse).
_ONLY_OURS = " Torch Playground(학습 페이지 또는 `python -m core train`)로 저장한 체크포인트만 불러올 수 있습니다."

# Translations of core's error messages by code. Params are the ones core passes; English comes from core itself.
ERRORS = {
    "duplicate_columns": {"ko": "열 이름은 서로 달라야 합니다. 두 번 이상 나오는 특성 열: {columns}. 이름마다 열을 하나만 남기고 다시 시도하세요."},
    "no_inputs": {"ko": "모델에는 입력 특성이 하나 이상 있어야 합니다."},
    "hidden_text": {"ko": "은닉층: 쉼표로 구분한 정수를 입력하세요. 예: 128, 128"},
    "hidden_sizes": {"ko": "은닉층: 크기를 1개에서 8개까지, 각각 1에서 4096 사이로 입력하세요 (예: 128,128)."},
    "model_activation": {"ko": "알 수 없는 활성화 함수 {name}입니다. relu, tanh, sigmoid, gelu, silu, leaky_relu 중에서 고르세요."},
    "dropout": {"ko": "드롭아웃은 확률입니다: 0 이상 1 미만의 값을 고르세요."},
    "no_cuda": {"ko": "CUDA를 골랐지만 여기서는 torch.cuda.is_available()가 False입니다. cpu나 auto를 고르세요."},
    "file_too_big": {"ko": "파일이 너무 커서 이 앱의 체크포인트일 수 없습니다. Torch Playground(학습 페이지 또는 `python -m core train`)가 저장한 체크포인트만 불러올 수 있습니다."},
    # --- core/activations.py ---------------------------------------------------------------------------------
    "unknown_activation": {"ko": "알 수 없는 활성화 함수입니다: {names}. 다음 중에서 고르세요: sigmoid, tanh, relu, leaky_relu, elu, gelu, silu, softplus."},
    "bad_range": {"ko": "아래쪽 값 < 위쪽 값이고, 둘 다 ±{limit:g} 안에 있는 범위를 고르세요."},
    "softmax_size": {"ko": "숫자를 1개에서 {limit}개 사이로 입력하세요."},
    "temperature": {"ko": "온도는 0.01에서 100 사이여야 합니다."},
    "lab_size": {"ko": "x에는 숫자가 1개에서 16개 사이로 있어야 합니다."},
    "lab_weight": {"ko": "가중치에는 입력마다 하나씩, 숫자 {n}개가 필요합니다."},

    # --- core/callbacks.py, core/trainer.py, core/microscope.py ----------------------------------------------------
    "diverged": {"ko": "학습이 발산했습니다: 에폭 {epoch}, 스텝 {step}에서 손실이 {loss}이(가) 되었습니다(학습률 {lr:g}). "
                       "학습률을 낮추고(예: 지금의 10분의 1) 다시 학습하세요."},
    "diverged_predictions": {"ko": "학습이 발산했습니다: 모델의 예측값이 유한한 숫자가 아닙니다. 학습률을 낮추고 다시 학습하세요."},
    "epochs": {"ko": "에폭 수는 1에서 10,000 사이여야 합니다."},
    "batch_size": {"ko": "배치 크기는 1 이상이어야 합니다."},
    "lr": {"ko": "학습률은 0보다 크고 100 이하인 수여야 합니다(강의에서는 0.001을 씁니다)."},
    "optimizer": {"ko": "알 수 없는 옵티마이저입니다. adam, sgd 중 하나를 고르세요."},
    "momentum": {"ko": "모멘텀은 0 이상 1 미만이어야 하고, 가중치 감쇠(weight decay)는 0 이상이어야 합니다."},

    # --- core/pool/pool.py, core/run.py (a training run's error, passed on as a dict) ---------------------------
    "worker_died": {"ko": "학습 프로세스가 예기치 않게 끝났습니다(메모리가 부족했을 수 있습니다). 더 작은 모델이나 데이터셋으로 해 보세요."},
    "internal": {"ko": "내부 오류가 발생했습니다. 입력 때문이 아니라 앱의 버그입니다."},

    # --- core/checkpoint.py ----------------------------------------------------------------------------------
    "bad_name": {"ko": "체크포인트에 문자, 숫자, '-', '_', '.'로 된 이름을 붙이세요."},
    "write_failed": {"ko": "체크포인트를 {folder}에 쓸 수 없습니다. 폴더와 남은 저장 공간을 확인한 뒤 다시 저장하세요."},
    "exists": {"ko": "이름이 {name!r}인 체크포인트가 이미 있습니다. 다른 이름을 고르거나 기존 체크포인트를 먼저 삭제하세요."},
    "not_found": {"ko": "체크포인트를 찾을 수 없습니다: {path}. 이름이나 경로를 확인하세요(목록은 `python -m core list`로 볼 수 있습니다)."},
    # "too_big" is also a checkpoint code (a file over the size limit, no params); its entry is the tensor
    # playground's below, so a too-large checkpoint file falls back to core's English sentence.
    "empty": {"ko": "파일이 비어 있습니다." + _ONLY_OURS},
    "unsafe": {"ko": "파일에 불러올 때 코드를 실행할 수 있는 Python 객체가 들어 있어서 거부했습니다. 파일 안의 어떤 것도 "
                     "실행되지 않았습니다." + _ONLY_OURS},
    "corrupt": {"ko": "읽을 수 있는 체크포인트가 아닙니다(손상되었거나, 잘렸거나, PyTorch 파일이 아닙니다)." + _ONLY_OURS},
    "bare_state_dict": {"ko": "가중치만 담긴 state_dict입니다. 모델 설정과 전처리 정보가 없습니다." + _ONLY_OURS},
    "foreign": {"ko": "이 PyTorch 파일은 Torch Playground 체크포인트가 아닙니다." + _ONLY_OURS},
    "version": {"ko": "이 체크포인트의 형식 버전이 이 앱이 읽는 버전 1과 다릅니다." + _ONLY_OURS},
    "incomplete": {"ko": "체크포인트가 불완전하거나 손상되었습니다(필요한 항목이 빠졌거나, 메타데이터의 형식이 맞지 않거나, "
                         "전처리가 모델의 입력 수와 맞지 않습니다)." + _ONLY_OURS},
    "architecture": {"ko": "체크포인트의 모델 설정이 잘못되었거나, 가중치가 그 설정과 맞지 않습니다. 다른 구조의 모델로 "
                           "저장되었거나 편집된 파일입니다."},

    # --- core/data.py ----------------------------------------------------------------------------------------
    "california_unavailable": {"ko": "California 주택 데이터가 이 컴퓨터에 캐시되어 있지 않고, 내려받을 수도 없습니다. "
                                     "오프라인에서도 되는 내장 diabetes 데이터셋(--dataset diabetes)을 쓰거나, 네트워크에 "
                                     "연결한 뒤 다시 시도하세요. 한 번 내려받으면 scikit-learn이 캐시합니다(약 400 kB)."},
    "unknown_dataset": {"ko": "알 수 없는 데이터셋입니다: {name!r}. california, diabetes 중 하나를 고르거나 CSV 파일을 주세요."},
    "csv_encoding": {"ko": "파일이 UTF-8이나 CP949 텍스트가 아닙니다. 스프레드시트에서 'CSV UTF-8' 형식으로 저장한 뒤 다시 "
                           "업로드하세요."},
    "csv_not_found": {"ko": "{path}을(를) 읽을 수 없습니다: 파일이 없거나, 읽기 권한이 없거나, CSV 파일이 아니라 폴더입니다. "
                            "경로를 확인하세요."},
    "csv_binary": {"ko": "CSV 텍스트 파일이 아닙니다(Excel 통합 문서 같은 바이너리 파일로 보입니다). CSV(쉼표로 구분) "
                         "형식으로 저장해 업로드하세요."},
    "csv_empty": {"ko": "파일이 비어 있습니다. 머리글 행과 데이터 행이 있는 CSV 파일을 고르세요."},
    "csv_malformed": {"ko": "올바른 형식의 CSV가 아닙니다: {detail}. 모든 행에는 머리글 행과 같은 수의 필드가 있어야 합니다."},
    "csv_too_many_rows": {"ko": "파일의 행이 {limit:,}개보다 많습니다. 최대 {limit:,}행의 표본을 쓰세요."},
    "csv_too_many_columns": {"ko": "파일에 열이 {n}개 있습니다. 한도는 {limit}개입니다. 필요한 열만 남기고 다시 업로드하세요."},
    "csv_one_column": {"ko": "파일의 열이 두 개보다 적어서 예측에 쓸 것이 없습니다. CSV에는 타깃 열과 하나 이상의 특성 열이 "
                             "쉼표나 세미콜론으로 구분되어 있어야 합니다."},
    "csv_no_header": {"ko": "첫 행이 열 이름이 아니라 데이터처럼 보입니다. 열마다 이름이 있는 머리글 행을 추가하고 다시 "
                            "업로드하세요."},
    "csv_duplicate_columns": {"ko": "열 이름은 서로 달라야 합니다. 두 번 이상 나오는 이름: {columns} (이름 앞뒤의 공백은 "
                                    "무시됩니다). 열 이름을 바꾸고 다시 업로드하세요."},
    "csv_too_big": {"ko": "파일이 너무 큽니다. 한도는 {limit_mb} MB입니다. 더 작은 표본을 업로드하세요."},
    # data.py (no target yet; a name that is not a column) and script.py (no target) share it: no column list
    "target_missing": {"ko": "타깃 열(모델이 예측할 열)을 고르세요. 이름을 적었다면 데이터에 있는 열 이름인지 확인하세요."},
    "target_not_numeric": {"ko": "타깃 열 {target!r}이(가) 숫자가 아닙니다(예: {example!r}). 회귀 모델은 숫자를 예측하므로 "
                                 "숫자 열을 고르세요."},
    "infinite": {"ko": "열 {column!r}에 무한대 값이 있습니다. 숫자로 바꾸거나 그 칸을 비워 두세요."},
    "test_size": {"ko": "테스트 비율은 0.05에서 0.5 사이여야 합니다(0.2는 다섯 행 중 한 행을 떼어 둡니다)."},
    "too_few_rows": {"ko": "타깃 값이 있는 행이 {n}개뿐입니다. 모델을 학습하고 테스트하려면 최소 {minimum}개가 필요합니다. "
                           "행을 추가하거나 다른 타깃 열을 고르세요."},
    "target_constant": {"ko": "타깃 열 {target!r}은(는) 모든 행의 값이 같아서 배울 것이 없습니다. 값이 변하는 열을 고르세요."},
    "no_features": {"ko": "특성으로 쓸 수 있는 열이 없습니다. 숫자 열이나, 서로 다른 값이 20개 이하인 텍스트 열을 추가하세요."},

    # --- core/device.py --------------------------------------------------------------------------------------
    "alloc_shape": {"ko": "양의 정수로 된 shape을 입력하세요. 예: 1024, 1024, 64"},
    "alloc_too_big": {"ko": "그 Tensor에는 {mib:,} MiB가 필요합니다. 여기서 {device}의 한도는 {limit_mib} MiB입니다"
                            "(공유 서버). 더 작은 shape을 고르세요."},

    # --- core/predict.py -------------------------------------------------------------------------------------
    "missing_columns": {"ko": "열이 없습니다: {missing}. 이 체크포인트에는 다음 열이 필요합니다: {expected}."},
    "unknown_columns": {"ko": "알 수 없는 특성입니다: {unknown}. 이 체크포인트에 필요한 특성: {expected}."},
    "bad_value": {"ko": "예측할 수 없는 값이 있습니다(숫자가 아니거나, 무한대이거나, 학습 때 없던 범주입니다). 특성마다 "
                        "숫자(범주형 특성은 학습 때 본 값)를 입력하세요."},

    # --- core/tensors.py: making the starting tensor ----------------------------------------------------------
    "unknown_source": {"ko": "알 수 없는 Tensor 생성 방법입니다: {source}. 다음 중 하나를 고르세요: {allowed}."},
    "unknown_dtype": {"ko": "알 수 없는 dtype입니다: {dtype}. 다음 중 하나를 고르세요: {allowed}."},
    "rand_needs_float": {"ko": "rand는 0과 1 사이의 수를 뽑으므로 float Tensor만 만듭니다. {dtype} 대신 float32나 float64를 "
                               "고르세요."},
    "arange_not_bool": {"ko": "arange는 0, 1, 2, ...를 세는데, bool Tensor는 이 값을 담을 수 없습니다. 숫자 dtype을 고르거나, "
                              "bool Tensor는 zeros/ones로 만드세요."},
    "bad_shape": {"ko": "shape은 1 이상의 정수 1개에서 {limit}개여야 합니다(예: (2, 3)). 입력한 값: {shape}."},
    "bad_seed": {"ko": "시드는 0부터 9223372036854775807까지의 정수여야 합니다. 입력한 값: {seed}."},
    "too_big": {"ko": "그 Tensor는 요소가 {numel:,}개가 됩니다. 공유 서버의 메모리를 누구도 다 써 버리지 못하도록 여기서는 "
                      "최대 {limit:,}개까지만 허용합니다. 더 작은 shape을 쓰세요."},
    "too_many_dims": {"ko": "그 Tensor는 {rank}차원이 됩니다. 여기서는 최대 {limit}차원까지 허용합니다."},
    "values_too_long": {"ko": "입력한 값이 {length:,}자입니다. 최대 {limit:,}자까지만 읽습니다. 큰 Tensor는 arange, zeros, "
                              "ones, rand 중 하나와 shape을 고르세요."},
    "values_syntax": {"ko": "값을 읽을 수 없습니다. 대괄호 안에 숫자를 쉼표로 구분해 입력하세요. 예: [[2, 3, 4, 5]]. 평범한 "
                            "숫자와 True/False만 읽으며, 아무것도 실행하지 않습니다."},
    "values_not_list": {"ko": "숫자를 대괄호 안에 넣으세요. 예: [[2, 3, 4, 5]]. 입력한 값: {found} ({kind})."},
    "values_not_numbers": {"ko": "Tensor에는 숫자(와 True/False)만 넣을 수 있습니다. {where} 위치에 {found}이(가) 있습니다."},
    "values_mixed": {"ko": "같은 단계에 숫자와 리스트가 섞여 있습니다({first}, {where}). Tensor의 모든 행은 같은 길이의 "
                           "리스트여야 합니다. 예: [[1, 2], [3, 4]]."},
    "values_ragged": {"ko": "행의 길이가 모두 같지는 않습니다: {where}의 shape은 {shape}인데 {first}의 shape은 {first_shape}"
                            "입니다. Tensor는 직사각형이어야 합니다. 모든 행에 같은 개수의 값을 넣으세요. 예: [[1, 2], [3, 4]]."},
    "values_empty": {"ko": "Tensor를 만들 숫자가 없습니다([]와 [[]]는 비어 있습니다). 숫자를 하나 이상 입력하세요. "
                           "예: [[2, 3, 4, 5]]."},
    "values_infinite": {"ko": "무한대 값이 있습니다({value}). 1e999 같은 수는 어떤 숫자 dtype에도 담기에 너무 큽니다. "
                              "유한한 수를 쓰세요."},
    "values_out_of_range": {"ko": "값 {value}은(는) dtype이 {dtype}인 Tensor에 담을 수 없습니다({low}부터 {high}까지). "
                                  "더 작은 수나 다른 dtype을 쓰세요."},

    # --- core/tensors.py: the chain of operations -------------------------------------------------------------
    "too_many_ops": {"ko": "연산은 최대 {limit}개까지 이어 쓸 수 있습니다. 지금은 {count}개입니다."},
    "after_size": {"ko": "{call}은(는) Tensor가 아니라 숫자를 돌려주므로 그 뒤에 아무것도 올 수 없습니다. 맨 끝으로 옮기거나 "
                         "그 뒤의 연산을 지우세요."},
    "unknown_op": {"ko": "{name}은(는) 여기서 쓸 수 있는 연산이 아닙니다. 다음 중 하나를 고르세요: {allowed}."},
    "bad_args": {"ko": "{usage} 형태로 쓰세요: {name}은(는) 정수 인자를 최소 {min_args}개, 최대 {max_args}개 받으며, 각각 "
                       "-{limit:,}에서 {limit:,} 사이여야 합니다. 입력한 값: {name}({got})."},
    "ops_too_long": {"ko": "연산 텍스트가 {length:,}자입니다. 최대 {limit:,}자까지만 읽습니다."},
    "ops_syntax": {"ko": "{position}번째 글자에서 연산을 읽을 수 없습니다: {near!r}. view(2, -1).flatten()처럼 쓰세요: 이름, "
                         "괄호 안에 쉼표로 구분한 정수, 그리고 연산 사이에 점(.)을 씁니다."},

    # --- core/tensors.py: what PyTorch refused, explained -----------------------------------------------------
    "torch_error": {"ko": "PyTorch가 {call}을(를) 실행하지 못했습니다: {detail}"},
    "no_dims": {"ko": "{call}: 0차원 Tensor(숫자 하나)에는 크기를 물어볼 차원이 없습니다. size()는 빈 shape인 "
                      "torch.Size([])를 돌려줍니다."},
    "t_rank": {"ko": "{call}: t()는 2차원 이하의 Tensor만 전치하는데, 이 Tensor는 {rank}차원입니다(shape {shape}). 두 차원을 "
                     "바꾸려면 transpose(dim0, dim1)를, 모든 차원의 순서를 새로 정하려면 permute(...)를 쓰세요."},
    "two_minus_one": {"ko": "{call}에 -1이 두 개 이상 있습니다: PyTorch는 나머지 크기들로부터 크기 하나만 계산할 수 있습니다. "
                            "하나만 빼고 모든 크기를 숫자로 주세요. 예: {example}."},
    "shape_mismatch": {"ko": "{call}은(는) 맞지 않습니다: Tensor의 요소는 {numel}개인데, 주어진 크기들의 곱은 {product}입니다"
                             "(-1이 있으면 {numel}이(가) 그 곱의 배수여야 합니다). 요소가 {numel}개인 shape: {shapes}. 또는 "
                             "-1로 크기 하나를 PyTorch가 계산하게 하세요. 예: {example}."},
    "view_non_contiguous": {"ko": "{call}은(는) 여기서 동작할 수 없습니다: 이 Tensor는 연속(contiguous)이 아닙니다. 요소가 "
                                  "메모리에 행 순서대로 저장되어 있지 않습니다(shape {shape}, strides {strides}). t(), "
                                  "transpose, permute, expand 같은 연산이 데이터는 그대로 두고 strides만 바꿨기 때문입니다. "
                                  "view는 절대 복사하지 않으므로 거부합니다. 해결: {fix}은(는) 먼저 데이터를 행 순서로 "
                                  "복사하고, {fix_reshape}은(는) 꼭 필요할 때만 복사합니다."},
    "dim_out_of_range": {"ko": "{call}: 차원 {dim}은(는) shape이 {shape}인 {rank}차원 Tensor의 범위를 벗어납니다. "
                               "{low}..{high}를 쓰세요(음수는 끝에서부터 셉니다)."},
    "flatten_order": {"ko": "{call}: 이 {rank}차원 Tensor에서 start_dim {start}이(가) end_dim {end}보다 뒤에 있습니다. "
                            "flatten은 start_dim부터 end_dim까지의 차원을 합치므로, start_dim이 end_dim보다 뒤에 오면 "
                            "안 됩니다."},
    "bad_permutation": {"ko": "{call}: permute에는 이 {rank}차원 Tensor의 모든 차원 번호(0부터)를 새 순서로 정확히 한 번씩 "
                              "주어야 합니다. 예: {example}."},
    "expand_rank": {"ko": "{call}은(는) shape이 {shape}인 {rank}차원 Tensor에 크기를 {count}개 줍니다. expand에는 차원마다 "
                          "적어도 하나의 크기가 필요합니다(새 차원은 앞쪽에 추가됩니다)."},
    "expand_new_minus_one": {"ko": "{call}: -1은 '이 크기를 유지'라는 뜻인데, 앞에 새로 생기는 차원에는 유지할 크기가 "
                                   "없습니다. 숫자를 주세요."},
    "expand_mismatch": {"ko": "{call}: 차원 {dim}의 크기는 {size}인데, expand는 크기가 1인 차원만 늘릴 수 있습니다(크기를 "
                              "유지하려면 -1이나 같은 숫자를 쓰세요). expand는 아무것도 복사하지 않습니다: 늘어난 차원은 "
                              "stride 0으로 같은 메모리를 반복합니다."},
    "bad_size": {"ko": "{call}: 크기는 1 이상의 정수이거나 -1이어야 합니다. {size}은(는) 쓸 수 없습니다."},
}

# Where PyTorch and NumPy differ at a step of the tensor playground: Step.disagree_code → Korean, with
# Step.disagree_params (core/tensors.py, _disagreement and _torch_only_fails).
DISAGREEMENTS = {
    "squeeze_not_one": {"ko": "크기가 {size}인 차원에 squeeze({dim}): PyTorch는 Tensor를 그대로 돌려주지만, NumPy는 오류를 "
                              "냅니다. np.squeeze는 크기가 1인 축만 없애기 때문입니다."},
    "numpy_only_fails": {"ko": "여기서 NumPy는 오류를 내지만({numpy_error}), PyTorch는 그렇지 않습니다."},
    "shape_differs": {"ko": "PyTorch의 결과 shape은 {torch_shape}, NumPy의 결과 shape은 {numpy_shape}입니다."},
    "memory_torch_only": {"ko": "PyTorch의 결과는 아직 a와 메모리를 공유하지만(view), NumPy의 결과는 복사본입니다. NumPy의 "
                                "결과를 바꿔도 a는 바뀌지 않습니다."},
    "memory_numpy_only": {"ko": "NumPy의 결과는 아직 a와 메모리를 공유하지만(view), PyTorch의 결과는 복사본입니다. PyTorch의 "
                                "결과를 바꿔도 a는 바뀌지 않습니다."},
    "view_copies": {"ko": "PyTorch의 view는 연속(contiguous)이 아닌 Tensor를 거부하지만, NumPy의 reshape은 대신 조용히 "
                          "데이터를 복사합니다(shape {numpy_shape}, a와의 np.shares_memory는 {shares_memory}). 그래서 결과를 "
                          "바꿔도 a가 바뀌지 않을 수 있습니다."},
    "t_reverses_all": {"ko": "PyTorch의 t()는 2차원까지만 동작하지만, NumPy의 .T는 모든 축의 순서를 뒤집습니다: shape "
                             "{shape}이(가) {numpy_shape}(으)로 바뀝니다. PyTorch에서는 {permute}이(가) 그렇게 합니다."},
    "torch_only_fails": {"ko": "여기서 PyTorch는 오류를 내지만, NumPy의 {numpy_code}은(는) {numpy_shape}을(를) 돌려줍니다."},
}
