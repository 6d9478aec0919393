"""The course's licences, said once: the front page, the PDF and every student edition quote them."""
LICENSE_NOTE = ("Text, figures and the labs' prose: CC BY 4.0. Code: MIT. Quotations and third-party "
                "material remain their owners'.")
LICENSE_SPDX = "CC-BY-4.0 AND MIT"
