-- wrk script: streaming (SSE) OpenAI chat completion, 20 chunks + [DONE].
-- wrk counts a response as complete when the chunked body ends, so each "request"
-- is a whole stream.
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}],"stream":true}'
-- The iris-vk target presents a virtual key on every request (bench/run.sh sets it).
local vk = os.getenv("IRIS_BENCH_VK")
if vk and vk ~= "" then wrk.headers["x-bf-vk"] = vk end
