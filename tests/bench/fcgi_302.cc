// fcgi_302: the FastCGI ceiling of `make bench`. A libfcgi program that answers every request
// with the same 302 our redirect path sends (same headers, no body) and does nothing else, so
// whatever it reaches behind a web server and pool size is the most any FastCGI application can
// reach there. It honours FCGI_KEEP_CONN through libfcgi's FCGX_Accept_r.
#include <fcgiapp.h>

#include <csignal>

int main() {
  // Like the worker: a client gone mid-answer must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  if (FCGX_Init() != 0) return 1;
  FCGX_Request request;
  FCGX_InitRequest(&request, 0, 0);
  while (FCGX_Accept_r(&request) >= 0) {
    FCGX_PutS(
        "Status: 302 Found\r\n"
        "Location: https://example.com/bench/target\r\n"
        "Cache-Control: private, max-age=0\r\n"
        "Content-Length: 0\r\n"
        "\r\n",
        request.out);
    FCGX_Finish_r(&request);
  }
  return 0;
}
